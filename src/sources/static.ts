/**
 * Keys in the files: aws_access_key_id and aws_secret_access_key (and a session token) in the
 * credentials file, or in the config file when there is no credential_process (botocore's order:
 * keys in the credentials file, then credential_process, then keys in the config file). A source
 * profile's keys win over its own role_arn; the target's role_arn wins over its keys.
 */
import { nonEmpty, where } from '../aws-config/setting.ts';
import type { AwsFiles, Profile } from '../aws-config/types.ts';
import type { Credentials } from '../aws/credentials.ts';
import { ConfigError } from '../errors.ts';
import { mask } from '../log.ts';
import type { SourceFetchContext, SourceKind } from './types.ts';

export interface StaticSource {
  readonly kind: 'static';
  readonly profile: string;
  /** The file the keys are in. */
  readonly file: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** The profile has keys botocore would use before its credential_process (any keys, when it has none). */
export function hasStaticKeys(p: Profile, files: AwsFiles): boolean {
  const { values: v, origin } = p;
  if (v.aws_access_key_id === undefined && v.aws_secret_access_key === undefined) return false;
  const file = files.credentialsFile;
  return (
    v.credential_process === undefined ||
    (v.aws_access_key_id !== undefined && origin.aws_access_key_id === file) ||
    (v.aws_secret_access_key !== undefined && origin.aws_secret_access_key === file)
  );
}

/** The source of everything made from one access key (in a file, or in the environment). */
export function keySourceId(kind: 'static' | 'environment', accessKeyId: string): string {
  return `${kind}:${accessKeyId}`;
}

export const staticKeys: SourceKind<StaticSource> = {
  kind: 'static',
  onRole: ['aws_access_key_id', 'aws_secret_access_key'], // a source profile's keys win over its role_arn
  detect(p, ctx) {
    if ((ctx.isTarget && p.values.role_arn !== undefined) || !hasStaticKeys(p, ctx.files)) return undefined;
    const { aws_access_key_id: id, aws_secret_access_key: secret } = p.values;
    // botocore reads the older name first: when aws_security_token is there at all, it is the token.
    const token = Object.hasOwn(p.values, 'aws_security_token') ? p.values.aws_security_token : p.values.aws_session_token;
    if (!id || !secret) {
      const missing = id ? 'aws_secret_access_key' : 'aws_access_key_id';
      const present = id ? 'aws_access_key_id' : 'aws_secret_access_key';
      throw new ConfigError(
        `Profile '${p.name}' in ${where(p, present)} has ${present} but no ${missing}. Add the missing key or remove both.`,
      );
    }
    return {
      kind: 'static',
      profile: p.name,
      file: where(p, 'aws_access_key_id'),
      accessKeyId: id,
      secretAccessKey: secret,
      sessionToken: nonEmpty(token),
    };
  },
  id: (source) => keySourceId('static', source.accessKeyId),
  describe: (source, { files }) =>
    source.file === files.credentialsFile ? 'credentials file' : source.file === files.configFile ? 'config file' : source.file,
  held: ({ accessKeyId, secretAccessKey, sessionToken }) => ({ accessKeyId, secretAccessKey, sessionToken }),
};

export function fetch(source: StaticSource, ctx: SourceFetchContext): Promise<Credentials> {
  ctx.logger.debug(`source credentials: keys of profile '${source.profile}' (${source.file}) ${mask(source.accessKeyId)}`);
  return Promise.resolve(staticKeys.held!(source));
}
