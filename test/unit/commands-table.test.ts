// The subcommands' table (src/commands/table.ts): every entry's file is there and exports what the
// dispatcher and --help load from it, the warm ones are the files' own, and --help is made from
// the commands' lines in the table's order.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COMMANDS, commandNamed, warmBit } from '../../src/commands/table.ts';
import type { CommandEntry, CommandModule } from '../../src/commands/types.ts';
import { runCommand } from '../../src/on-demand/commands.ts';
import { COMMON_OPTIONS, OPTIONS, defaultOptions } from '../../src/options.ts';
import type { Runtime } from '../../src/pipeline/runtime.ts';

const load = (file: string) => import(`../../src/commands/${file}.ts`) as Promise<CommandModule>;

/** What `mfa-exec help [COMMAND]` prints, through the dispatcher as cli.ts runs it. */
async function help(commands: readonly CommandEntry[], args: string[] = []): Promise<string> {
  let text = '';
  const rt = { out: (t: string) => (text += t) } as unknown as Runtime;
  assert.equal(await runCommand(commandNamed('help')!, { options: defaultOptions(), args }, rt, commands), 0);
  return text;
}

describe('the command table', () => {
  test('names and aliases are unique', () => {
    const names = COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
    assert.equal(new Set(names).size, names.length, names.join(' '));
  });

  for (const entry of COMMANDS) {
    test(`${entry.name}: its file exports run and help; its options exist`, async () => {
      const module = await load(entry.file ?? entry.name);
      assert.equal(typeof module.run, 'function');
      assert.ok(module.help.usage.length > 0);
      if (entry.warm) assert.equal(entry.warm, module.run, 'the warm run is the file’s own');
      for (const option of [...COMMON_OPTIONS, ...entry.options]) assert.ok(Object.hasOwn(OPTIONS, option), option);
      assert.equal(commandNamed(entry.name), entry);
    });
  }

  test('the warm commands fit the code cache’s byte of bits', () => {
    const bits = COMMANDS.map(warmBit).filter((b) => b !== undefined);
    assert.deepEqual(bits, [...bits.keys()]);
    assert.ok(bits.length <= 8);
  });

  test('--help lists every command’s usage, in the table’s order', async () => {
    const text = await help(COMMANDS);
    let at = 0;
    for (const entry of COMMANDS) {
      for (const line of (await load(entry.file ?? entry.name)).help.usage) {
        const found = text.indexOf(`\n  ${line}\n`, at);
        assert.ok(found >= 0, `${entry.name}: ${line}`);
        at = found;
      }
    }
    assert.match(text, /^mfa-exec — run commands with MFA-backed AWS role credentials\n\nUsage:\n {2}mfa-exec \[options\]/);
    assert.match(text, /\nExit codes: /);
  });

  test('--help names every option, and every command and alias', async () => {
    const text = await help(COMMANDS);
    for (const option of Object.keys(OPTIONS)) assert.match(text, new RegExp(`--${option}\\b`), option);
    for (const name of COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])])) {
      assert.match(text, new RegExp(`mfa-exec ${name}\\b`), name);
    }
  });

  for (const entry of COMMANDS) {
    test(`help ${entry.name}: its usage lines and the options it takes, no other command's`, async () => {
      const text = await help(COMMANDS, [entry.name]);
      const own = (await load(entry.file ?? entry.name)).help.usage;
      for (const line of own) assert.ok(text.includes(`\n  ${line}\n`), line);
      for (const other of COMMANDS.filter((c) => c !== entry)) {
        for (const line of (await load(other.file ?? other.name)).help.usage) {
          if (!own.includes(line) && line.trim().startsWith('mfa-exec ')) assert.ok(!text.includes(line), `${other.name}: ${line}`);
        }
      }
      for (const option of entry.options) assert.match(text, new RegExp(`--${option}\\b`), option);
      for (const option of Object.keys(OPTIONS).filter((o) => ![...entry.options, ...COMMON_OPTIONS].includes(o as never))) {
        assert.doesNotMatch(text, new RegExp(`--${option}\\b(?!-)`), `${entry.name} does not take --${option}`);
      }
      assert.ok(!text.includes('Exit codes:'), 'the shared parts stay in the whole help');
    });
  }

  test('help by an alias is the command’s help; an unknown command is a usage error naming it', async () => {
    assert.equal(await help(COMMANDS, ['export']), await help(COMMANDS, ['env']));
    await assert.rejects(help(COMMANDS, ['frobnicate']), (e: Error & { exitCode?: number }) => {
      assert.equal(e.exitCode, 64);
      assert.match(e.message, /'frobnicate' is not an mfa-exec command/);
      return true;
    });
  });
});
