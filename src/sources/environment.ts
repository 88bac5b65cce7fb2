/**
 * `credential_source = Environment` on a role: the role is assumed with AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY (and a session token) from the environment mfa-exec runs in. The other
 * credential_source values (instance metadata, containers) are unserved.ts's.
 */
import { nonEmpty, where } from '../aws-config/setting.ts';
import type { Credentials } from '../aws/credentials.ts';
import { ConfigError } from '../errors.ts';
import { mask } from '../log.ts';
import { keySourceId } from './static.ts';
import type { SourceFetchContext, SourceKind } from './types.ts';

export interface EnvironmentSource {
  readonly kind: 'environment';
  readonly profile: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export const environment: SourceKind<EnvironmentSource> = {
  kind: 'environment',
  onRole: ['credential_source'],
  roleSource: true,
  detect(p, { env, role }) {
    const kind = p.values.credential_source;
    if (!role || kind === undefined) return undefined;
    if (p.values.source_profile !== undefined) {
      throw new ConfigError(
        `Profile '${p.name}' in ${where(p, 'credential_source')} sets both source_profile and credential_source; the AWS CLI refuses this too. Keep one of them.`,
      );
    }
    if (kind !== 'Environment') return undefined;
    const id = env.AWS_ACCESS_KEY_ID;
    const secret = env.AWS_SECRET_ACCESS_KEY;
    if (!id || !secret) {
      throw new ConfigError(
        `Profile '${p.name}' in ${where(p, 'credential_source')} takes its source credentials from the environment (credential_source = Environment), but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set.`,
      );
    }
    // botocore's EnvProvider: the first of AWS_SECURITY_TOKEN, AWS_SESSION_TOKEN that is not empty.
    const sessionToken = nonEmpty(env.AWS_SECURITY_TOKEN) ?? nonEmpty(env.AWS_SESSION_TOKEN);
    return { kind: 'environment', profile: p.name, accessKeyId: id, secretAccessKey: secret, sessionToken };
  },
  id: (source) => keySourceId('environment', source.accessKeyId),
  describe: () => 'environment',
  held: ({ accessKeyId, secretAccessKey, sessionToken }) => ({ accessKeyId, secretAccessKey, sessionToken }),
};

export function fetch(source: EnvironmentSource, ctx: SourceFetchContext): Promise<Credentials> {
  ctx.logger.debug(`source credentials: AWS_ACCESS_KEY_ID from the environment ${mask(source.accessKeyId)}`);
  return Promise.resolve(environment.held!(source));
}
