/** Reading one setting of a profile for a message or a decision. Pure. */
import type { AwsFiles, Profile } from './types.ts';

/** The value trimmed; undefined when it is absent or blank. */
export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The file a setting came from, for messages. */
export function where(p: Profile, key: string): string {
  return p.origin[key] ?? Object.values(p.origin)[0] ?? '(unknown file)';
}

/** A setting's value for an error message: quoted from the config file, never from the credentials file. */
export function shownValue(p: Profile, key: string, files: AwsFiles): string {
  return p.origin[key] === files.credentialsFile ? '(value not shown: it is in the credentials file)' : `'${p.values[key]}'`;
}
