/**
 * When a view cannot be made, the command gets the user's own files instead (provide.ts), with
 * one exception: under --server (the view's [default] defers to the endpoint), a [default] of the
 * user's that finds credentials on its own would be used by every SDK before the container
 * endpoint, so the command would run as someone else. Then the run fails before the command
 * starts (fail closed). Loaded on demand: only a view that could not be made gets here.
 */
import { parseAwsFiles } from '../aws-config/load.ts';
import { where } from '../aws-config/setting.ts';
import { isMfaExecError, MfaExecError } from '../errors.ts';
import { findsCredentials } from './keys.ts';
import type { ViewSpec } from './store.ts';

/** The error to fail the run with instead of `cause` (the view's), or undefined when the user's files may stand in. */
export function refuseOwnFiles(spec: ViewSpec, cause: MfaExecError): MfaExecError | undefined {
  if (!spec.deferDefault) return undefined;
  let setting: string | undefined;
  try {
    setting = defaultOutranksEndpoint(spec);
  } catch (error) {
    if (!isMfaExecError(error)) throw error;
    setting = `they cannot be read (${error.message})`;
  }
  if (setting === undefined) return undefined;
  return new MfaExecError(
    `${cause.message} Nor can the command get your own AWS files instead: ${setting}, which every AWS SDK would use before the --server endpoint. Nothing was run. Fix the cause above (or set XDG_CACHE_HOME to a directory of your own with free space) and run it again.`,
    cause.exitCode,
    { kind: cause.kind, cause },
  );
}

/**
 * The setting of the user's [default] by which an SDK finds credentials before the container
 * endpoint ("[default] in FILE sets aws_access_key_id"), or undefined when it has none.
 */
export function defaultOutranksEndpoint(spec: ViewSpec): string | undefined {
  const files = parseAwsFiles(spec.configText, spec.configFile, spec.credentialsText, spec.credentialsFile);
  const profile = files.profiles.get('default');
  const key = profile && Object.keys(profile.values).find(findsCredentials);
  return key === undefined ? undefined : `[default] in ${where(profile!, key)} sets ${key.trim()}`;
}
