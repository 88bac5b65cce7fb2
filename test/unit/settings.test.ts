// mfa-exec's own variables as settings.ts reads them (issue 17: MFA_EXEC_DISABLE's values).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readSettings } from '../../src/settings.ts';

describe('MFA_EXEC_DISABLE: the words people use, any case; anything else disables with one warning', () => {
  const cases: [string | undefined, boolean, boolean][] = [
    // [value, disabled, warned]
    [undefined, false, false],
    ['', false, false],
    ['0', false, false],
    ['false', false, false],
    ['FALSE', false, false],
    ['no', false, false],
    ['Off', false, false],
    [' off ', false, false],
    ['1', true, false],
    ['true', true, false],
    ['TRUE', true, false],
    ['True', true, false],
    ['yes', true, false],
    ['YES', true, false],
    ['on', true, false],
    ['On', true, false],
    ['2', true, true],
    ['disable', true, true],
    ['y', true, true],
    ['\u001b[31m', true, true],
  ];
  for (const [value, disabled, warned] of cases) {
    test(`${JSON.stringify(value)} → ${disabled ? 'disabled' : 'not disabled'}${warned ? ', with a warning' : ''}`, () => {
      const settings = readSettings(value === undefined ? {} : { MFA_EXEC_DISABLE: value });
      assert.equal(settings.disabled, disabled);
      if (!warned) assert.equal(settings.disabledWarning, undefined);
      else {
        assert.ok(settings.disabledWarning);
        assert.ok(settings.disabledWarning.includes(`MFA_EXEC_DISABLE=${JSON.stringify(value)}`), settings.disabledWarning);
        assert.match(settings.disabledWarning, /not one of 1, true, yes, on/);
        assert.doesNotMatch(settings.disabledWarning, /\n/, 'one line');
      }
    });
  }
});
