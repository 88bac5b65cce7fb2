// The subcommands' table (src/commands/table.ts): every entry's file is there and exports what the
// dispatcher and --help load from it, the warm ones are the files' own, and --help is made from
// the commands' lines in the table's order.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COMMANDS, commandNamed, warmBit } from '../../src/commands/table.ts';
import type { CommandModule } from '../../src/commands/types.ts';
import { help } from '../../src/on-demand/commands.ts';
import { COMMON_OPTIONS, OPTIONS } from '../../src/options.ts';

const load = (file: string) => import(`../../src/commands/${file}.ts`) as Promise<CommandModule>;

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
});
