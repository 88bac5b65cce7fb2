/** One line of `mfa-exec doctor`: ok, warn (worth a look) or fail (something is broken). */
import type { AwsFiles } from '../../aws-config/types.ts';

export type Level = 'ok' | 'warn' | 'fail';
export type Finding = readonly [Level, string];

/** The AWS files as doctor loaded them, once for every check: the profiles, or why they could not be read. */
export type LoadedFiles = { files: AwsFiles } | { error: unknown };
