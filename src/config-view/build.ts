/**
 * The user's two files → the view's two files. Pure: parse (as botocore does), decide which
 * profiles mfa-exec serves, write each one's credential_process command, render.
 * Throws ConfigError when the user's files are refused (the AWS CLI refuses them too).
 */
import { parseAwsFiles } from '../aws-config/load.ts';
import { quoteCredentialProcess } from './quote.ts';
import { renderView, type RenderedView } from './render.ts';
import { decideServing } from './serve.ts';
import type { ViewSpec } from './store.ts';

export interface View extends RenderedView {
  /** Served profiles, in the files' order. */
  served: string[];
  /** Profiles left as written, and why (for --debug). */
  left: { profile: string; why: string }[];
  /** Served profiles whose plan mfa-exec refuses: credential-process will say why (for --debug). */
  refused: { profile: string; why: string }[];
}

/** `storeHolds`: whether mfa-exec's key store holds keys for a profile (see serve.ts); none by default. */
export function buildView(request: ViewSpec, storeHolds?: (profile: string) => boolean): View {
  const files = parseAwsFiles(request.configText, request.configFile, request.credentialsText, request.credentialsFile);
  const commands = new Map<string, string>();
  const served: string[] = [];
  const left: View['left'] = [];
  const refused: View['refused'] = [];
  for (const [profile, decision] of decideServing(files, storeHolds)) {
    if (!decision.serve) {
      left.push({ profile, why: decision.why });
      continue;
    }
    const quoted = quoteCredentialProcess(request.command, profile);
    if (!quoted.ok) {
      left.push({ profile, why: `its credential_process line cannot be written: ${quoted.reason}` });
      continue;
    }
    commands.set(profile, quoted.command);
    served.push(profile);
    if (decision.refused !== undefined) refused.push({ profile, why: decision.refused });
  }
  const rendered = renderView(
    {
      config: request.configText,
      credentials: request.credentialsText,
      configFile: request.configFile,
      credentialsFile: request.credentialsFile,
    },
    { commands, deferDefault: request.deferDefault },
  );
  return { ...rendered, served, left, refused };
}
