/**
 * The `credential_process` command of a served profile, written so that every reader of the view
 * runs exactly `<command…> credential-process --profile=<name>`:
 *
 * - botocore splits the value with shlex.split (POSIX) and execs the words;
 * - the JS SDK v3 runs it with child_process.exec, i.e. `/bin/sh -c`;
 * - the Go SDK v2 (Terraform) runs `sh -c`; its INI reader strips one pair of quotes around a
 *   whole value, and cuts a value at whitespace followed by '#' or ';' (internal/ini 1.8, in
 *   Terraform 1.11). The 1.7 releases (Nov 2023 – Jan 2024, in some Terraform 1.6/1.7 builds)
 *   cut at the first '#' or ';' anywhere and rewrote \" \' \n in every value; we stay clear
 *   of those too, as no name worth serving needs them;
 * - the JS reader drops everything from a '#' or ';' that follows whitespace.
 *
 * So: words made of [A-Za-z0-9_@%+=:,./-] are written as they are; anything else goes in single
 * quotes (literal in sh and in shlex alike), a quote inside as '"'"' (never \', which Go
 * rewrites). The value always starts with '/', so Go never strips quotes around it. A text that
 * still cannot be written (a line break, NUL, '#', ';', or a backslash before n, ' or ") is
 * refused with the reason: such a profile is not served (said under --debug).
 *
 * `--profile=NAME` (not `--profile NAME`): one word, so a name that starts with '-' is not read
 * as an option.
 */

export type Quoted = { ok: true; command: string } | { ok: false; reason: string };

/** Characters that no shell (sh, dash, bash, zsh in sh mode) and not shlex treat specially. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * `command` is the program and its leading arguments, e.g. [process.execPath, '/abs/dist/cli.js'];
 * its first word must be an absolute path.
 */
export function quoteCredentialProcess(command: readonly string[], profile: string): Quoted {
  const program = command[0];
  if (program === undefined || !program.startsWith('/')) {
    return { ok: false, reason: `the program path ${JSON.stringify(program ?? '')} is not absolute` };
  }
  const words: string[] = [];
  for (const [i, word] of command.entries()) {
    const problem = unwritable(word);
    if (problem) return { ok: false, reason: `the path ${JSON.stringify(word)} ${problem}` };
    // The first word keeps its leading '/' outside the quotes: a value that starts with a quote
    // and ends with one (as ours may, after the profile name) loses both in Go's reader.
    words.push(i === 0 ? `/${shellWord(word.slice(1))}` : shellWord(word));
  }
  if (profile === '') return { ok: false, reason: 'the profile name is empty' };
  const problem = unwritable(profile);
  if (problem) return { ok: false, reason: `the profile name ${problem}` };
  words.push('credential-process', `--profile=${shellWord(profile)}`);
  const text = words.join(' ');
  // The last check is on the whole value: a backslash at the end of one word may meet a quote.
  const sequence = GO_REWRITTEN.exec(text);
  if (sequence) {
    return {
      ok: false,
      reason: `it would contain ${JSON.stringify(sequence[0])}, which some Go SDK releases rewrite when they read the config`,
    };
  }
  return { ok: true, command: text };
}

/** aws-sdk-go-v2 internal/ini 1.7.x rewrote these in every value (fixed in 1.8 by PR #2461). */
const GO_REWRITTEN = /\\["'n]/;

function unwritable(text: string): string | undefined {
  if (/[\n\r\0]/.test(text)) return 'contains a line break or NUL, which no config file line can hold';
  if (/[#;]/.test(text)) return "contains '#' or ';', where the Go and JS SDKs cut a config line as a comment";
  return undefined;
}

/** One shell word: plain, or single-quoted with ' written as '"'"'. A trailing \ goes outside. */
function shellWord(text: string): string {
  if (text === '') return "''";
  if (PLAIN.test(text)) return text;
  // Backslashes at the very end would sit right before the closing quote (\' in Go's eyes):
  // write them after it, escaped (\\ means one backslash to sh and to shlex alike).
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x5c) end--;
  const body = text.slice(0, end);
  const tail = '\\\\'.repeat(text.length - end);
  return (body === '' ? '' : `'${body.replaceAll("'", `'"'"'`)}'`) + tail;
}
