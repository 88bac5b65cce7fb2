// Temporary HOME directories with real ~/.aws files.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempHome {
  home: string;
  cleanup(): Promise<void>;
}

export async function makeHome(): Promise<TempHome> {
  const home = await mkdtemp(join(tmpdir(), 'mfa-exec-e2e-'));
  return { home, cleanup: () => rm(home, { recursive: true, force: true }) };
}

/** Writes ~/.aws/config and/or ~/.aws/credentials (mode 0600, directory 0700). */
export async function writeAwsFiles(home: string, files: { config?: string; credentials?: string }): Promise<void> {
  const dir = join(home, '.aws');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const name of ['config', 'credentials'] as const) {
    const text = files[name];
    if (text === undefined) continue;
    const file = join(dir, name);
    await writeFile(file, text, { mode: 0o600 });
    await chmod(file, 0o600); // writeFile keeps the mode of an existing file
  }
}
