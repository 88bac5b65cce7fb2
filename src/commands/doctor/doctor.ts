/**
 * doctor: checks what makes credential injection work or silently fail. Prints one line per
 * finding (ok / note / warn / fail) on stdout; exit 0 when nothing needs attention (ok and
 * notes), 1 otherwise.
 * Each check lives in its own file and returns its findings.
 */
import { loadAwsFiles } from '../../aws-config/load.ts';
import { ExitCode } from '../../errors.ts';
import { forDisplay } from '../../printable.ts';
import type { Runtime } from '../../pipeline/runtime.ts';
import type { CommandHelp, CommandInput } from '../types.ts';
import { checkConfigFiles } from './config-files.ts';
import { checkDefaultProfile } from './default-profile.ts';
import type { Finding, LoadedFiles } from './finding.ts';
import { checkKeyStore } from './key-store.ts';
import { checkMfaProcesses } from './mfa-process.ts';
import { checkOverrides } from './overrides.ts';
import { checkSelectedProfile } from './profile.ts';
import { checkSettings } from './settings.ts';
import { checkProjectFile } from './project-file.ts';
import { checkPrompt } from './prompt.ts';
import { checkShims } from './shims.ts';
import { checkSignIns } from './sign-in.ts';

export const help: CommandHelp = {
  usage: [
    'mfa-exec doctor                               check config files, the project file, the selected profile, key store, shims, prompt, sign-ins',
  ],
};

const CHECKS: readonly ((rt: Runtime, loaded: LoadedFiles) => Finding[] | Promise<Finding[]>)[] = [
  checkConfigFiles,
  checkProjectFile,
  checkSelectedProfile,
  checkSettings,
  checkDefaultProfile,
  checkKeyStore,
  checkShims,
  checkOverrides,
  checkMfaProcesses,
  checkPrompt,
  checkSignIns,
];

export async function run(_input: CommandInput, rt: Runtime): Promise<number> {
  let loaded: LoadedFiles;
  try {
    loaded = { files: loadAwsFiles(rt.env, rt.homedir, rt.cwd) };
  } catch (error) {
    loaded = { error }; // config-files.ts reports it; the checks that need the profiles skip
  }
  const findings: Finding[] = [];
  for (const check of CHECKS) findings.push(...(await check(rt, loaded)));
  for (const [level, text] of findings) rt.out(`${level.padEnd(4)}  ${forDisplay(text)}\n`);
  return findings.some(([level]) => level === 'warn' || level === 'fail') ? ExitCode.status : 0;
}
