/**
 * The replay (dist/cli.js, before the warm bundle is even read): when a memo (record.ts) exists for
 * this run and everything its decision looked at is as it was, do what that decision did (start
 * the target with the same environment, or print the same output) without deciding again. Any
 * doubt is a miss, and a miss costs a few stats: the warm bundle then runs as before.
 *
 * Checked, in order: the memo file is a private file of ours (not a link; its directory is not
 * checked: a memo moved there from another name fails the key check), of this format and key (memoKey: build, Node, user, entry, arguments, working and home
 * directories); the clock is inside its window; the environment has the same names and the same
 * values of every variable the decision read; a shim's arguments are the same where the decision
 * read them; every file the decision looked at gives the same fingerprint.
 */
import { runTarget } from '../child/run.ts';
import { silentLogger } from '../log.ts';
import { readPrivate } from '../private-io.ts';
import { writeStdout } from '../stdout.ts';
import { ExitCode } from '../errors.ts';
import { childEnv, fingerprint, MEMO_VERSION, envNames, valueHash, type Look, type Memo, type MemoFile } from './identity.ts';

/** A memo is no bigger than this (a real one is a few kilobytes). */
const MAX_BYTES = 256 * 1024;

/** What the replay sees of this run (boot.ts gives the real ones; tests give others). */
export interface ReplayInput {
  file: string;
  key: string;
  env: NodeJS.ProcessEnv;
  /** The shim's arguments (argv[2…]). */
  args: readonly string[];
  now: number;
  look?: (look: Look, file: string) => string;
  /** envNames(env), when the caller has it (usableMemo computes it once for all of a file's memos). */
  names?: string;
}

/** The memo for this run, if there is one and it holds now; undefined otherwise. Never throws. */
export function usableMemo(input: ReplayInput): Memo | undefined {
  const read = readPrivate(input.file, { maxBytes: MAX_BYTES });
  if (!read.ok) return undefined;
  try {
    const file = JSON.parse(read.data.toString('utf8')) as MemoFile;
    if (file?.version !== MEMO_VERSION || file.key !== input.key || !Array.isArray(file.memos)) return undefined;
    // A file's memos (one per situation) share most of their looks: each file is looked at once.
    const prints = new Map<string, string>();
    const look = input.look ?? fingerprint;
    const once = (how: Look, path: string) => {
      const key = `${how}${path}`;
      let print = prints.get(key);
      if (print === undefined) prints.set(key, (print = look(how, path)));
      return print;
    };
    const checked = { ...input, look: once, names: envNames(input.env) };
    return file.memos.find((memo) => holds(memo, checked));
  } catch {
    return undefined;
  }
}

/** Whether `memo` holds for this run: everything it depends on is as it was. */
export function holds(memo: Memo, input: ReplayInput): boolean {
  const { env, args, now } = input;
  const look = input.look ?? fingerprint;
  if (!(now >= memo?.from && now < memo.until)) return false;
  if (!Array.isArray(memo.env) || !Array.isArray(memo.files) || typeof memo.effect !== 'object' || memo.effect === null) return false;
  if (memo.names !== (input.names ?? envNames(env))) return false;
  for (const [name, value] of memo.env) if (valueHash(env[name]) !== value) return false;
  if (memo.args) {
    if (memo.args.length !== undefined && memo.args.length !== args.length) return false;
    for (const [index, value] of memo.args.at) if (valueHash(args[index]) !== value) return false;
  }
  for (const [how, file, print] of memo.files) if (look(how, file) !== print) return false;
  return true;
}

/**
 * Does what the memo says: the exit code to exit with, or undefined when the target could not be
 * started after all (spawn failed: then nothing ran, and the warm bundle runs and reports).
 */
export async function replayEffect(memo: Memo, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<number | undefined> {
  const { effect } = memo;
  if ('out' in effect) {
    try {
      writeStdout(effect.out);
    } catch (error) {
      // As cli.ts reports an error it did not expect (a full disk, a closed descriptor): one line, exit 70.
      process.stderr.write(`mfa-exec: internal error: cannot write the output (${(error as NodeJS.ErrnoException).code ?? 'error'}).\n`);
      return ExitCode.software;
    }
    return effect.code;
  }
  const { file, argv0 } = effect.run;
  try {
    const child = childEnv(effect.run, env, process.pid);
    return await runTarget({ file, args: args.slice(effect.run.args), env: child, argv0, logger: silentLogger });
  } catch {
    return undefined;
  }
}
