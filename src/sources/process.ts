/**
 * A source profile's credential_process (a role's source, or a profile of its own whose keys
 * mfa-exec turns into an MFA session): run through /bin/sh like the JS SDK does, the JSON
 * (Version 1) it prints read. botocore (both AWS CLIs) splits it into words instead and fails on
 * a command it cannot split: such a command is refused here too. Its stderr goes to ours, so a
 * password manager's "touch your key" shows. Known to the cache by a hash of the profile and the
 * command, never its output.
 */
import { where } from '../aws-config/setting.ts';
import { shlexSplit } from '../aws-config/shlex.ts';
import type { Credentials } from '../aws/credentials.ts';
import { ConfigError } from '../errors.ts';
import { sha256Hex } from '../sha256.ts';
import type { SourceFetchContext, SourceKind } from './types.ts';

export interface ProcessSource {
  readonly kind: 'process';
  readonly profile: string;
  /** The file credential_process is set in. */
  readonly file: string;
  readonly command: string;
}

const TIMEOUT_MS = 120_000;

/**
 * The chains (lock keys) whose source credential_process an outer mfa-exec is running, space
 * separated. A credential_process that runs mfa-exec for the same chain again (a profile whose
 * credential_process is `mfa-exec credential-process` for itself, or a copy of a config view read
 * as the user's file) would wait for the outer one's lock forever: it is refused at once instead.
 */
const RUNNING_SOURCES = 'MFA_EXEC_RUNNING_SOURCES';

export const credentialProcess: SourceKind<ProcessSource> = {
  kind: 'process',
  detect(p, { role }) {
    const command = p.values.credential_process;
    if (role || command === undefined) return undefined;
    const file = where(p, 'credential_process');
    // botocore splits the command into words (shlex) and fails on what cannot be split: the AWS CLI
    // gets no credentials from it, and neither does mfa-exec (nor a config view's credential-process).
    if (shlexSplit(command) === undefined) {
      throw new ConfigError(
        `The credential_process of profile '${p.name}' (${file}) has a quote that is not closed, or ends in a backslash: ` +
          `the AWS CLI cannot split it into a command, so mfa-exec does not run it either. ` +
          `Close the quote; note that an indented line after it, even an indented [section] header, continues its value.`,
      );
    }
    return { kind: 'process', profile: p.name, file, command };
  },
  id: (source) => `process:${sha256Hex(`${source.profile}\0${source.command}`).slice(0, 32)}`,
  describe: () => 'credential_process',
};

export function beforeLock(source: ProcessSource, ctx: SourceFetchContext): void {
  if ((ctx.env[RUNNING_SOURCES] ?? '').split(' ').includes(ctx.lockKey)) {
    throw new ConfigError(
      `The credential_process of profile '${source.profile}' (${source.file}) runs mfa-exec for the same profile again: a loop. ` +
        `Give that profile its own source of credentials (keys, or a credential_process that does not call mfa-exec for it).`,
    );
  }
}

export async function fetch(source: ProcessSource, ctx: SourceFetchContext): Promise<Credentials> {
  const { profile } = source;
  ctx.logger.debug(`source credentials: running credential_process of profile '${profile}'`);
  const running = [ctx.env[RUNNING_SOURCES], ctx.lockKey].filter(Boolean).join(' ');
  const { runShellCommand } = await import('../shell-command.ts');
  const result = await runShellCommand(source.command, { ...ctx.env, [RUNNING_SOURCES]: running }, TIMEOUT_MS);
  if (result.failed) {
    throw new ConfigError(`The credential_process of profile '${profile}' ${result.failure}. Run it by hand to see why.`);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(String(result.stdout)) as Record<string, unknown>;
  } catch {
    throw new ConfigError(`The credential_process of profile '${profile}' did not print JSON credentials (Version 1).`);
  }
  const { Version, AccessKeyId, SecretAccessKey, SessionToken, Expiration } = parsed;
  if (Version !== 1 || typeof AccessKeyId !== 'string' || typeof SecretAccessKey !== 'string') {
    throw new ConfigError(
      `The credential_process of profile '${profile}' printed JSON without Version 1, AccessKeyId and SecretAccessKey.`,
    );
  }
  const expiration = typeof Expiration === 'string' ? new Date(Expiration) : undefined;
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: typeof SessionToken === 'string' ? SessionToken : undefined,
    expiration: expiration && !Number.isNaN(expiration.getTime()) ? expiration : undefined,
  };
}
