/**
 * One line of `mfa-exec doctor`: ok, note (worth knowing, nothing to fix), warn (worth a look) or
 * fail (something is broken). Only warn and fail make doctor exit 1.
 */
import type { AwsFiles } from '../../aws-config/types.ts';

export type Level = 'ok' | 'note' | 'warn' | 'fail';
export type Finding = readonly [Level, string];

/** The AWS files as doctor loaded them, once for every check: the profiles, or why they could not be read. */
export type LoadedFiles = { files: AwsFiles } | { error: unknown };
