// Editing the key lines of one section (import, rotate) and appending a profile section (add):
// every other byte stays, and the result reads back as intended by the same INI rules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { appendProfileSection } from '../../src/aws-config/add-section.ts';
import { checkEdit, editSectionKeys, type KeyEdit } from '../../src/aws-config/edit-keys.ts';
import { parseIni } from '../../src/aws-config/ini.ts';
import { parseAwsFiles, profileName } from '../../src/aws-config/load.ts';
import { isMfaExecError } from '../../src/errors.ts';

const FILE = '/home/u/.aws/credentials';
const DROP = new Map<string, KeyEdit>([
  ['aws_access_key_id', { drop: true }],
  ['aws_secret_access_key', { drop: true }],
]);
const replace = (id: string, secret: string) =>
  new Map<string, KeyEdit>([
    ['aws_access_key_id', { value: id }],
    ['aws_secret_access_key', { value: secret }],
  ]);

describe('editSectionKeys', () => {
  test('drops exactly the two key lines of the section: comments, order, line endings and other sections stay', () => {
    const text =
      '# top\r\n[a]\r\naws_access_key_id = A1\r\naws_secret_access_key = S1\r\n\r\n; mine\n[dev]\nregion = x\nAWS_Access_Key_ID  :  D1\n# between\naws_secret_access_key=D2\noutput = json\n[z]\nk = v';
    const out = editSectionKeys(text, 'dev', DROP, FILE);
    assert.equal(
      out.text,
      '# top\r\n[a]\r\naws_access_key_id = A1\r\naws_secret_access_key = S1\r\n\r\n; mine\n[dev]\nregion = x\n# between\noutput = json\n[z]\nk = v',
    );
    assert.deepEqual(out.edited, ['aws_access_key_id', 'aws_secret_access_key']);
    checkEdit(text, out.text, 'dev', DROP, FILE);
  });

  test('replaces the values in place, keeping the spacing and delimiter of each line', () => {
    const text = '[dev]\nAWS_ACCESS_KEY_ID:OLD\naws_secret_access_key   =   oldsecret\r\nregion=x\n';
    const out = editSectionKeys(text, 'dev', replace('NEW', 'newsecret'), FILE);
    assert.equal(out.text, '[dev]\nAWS_ACCESS_KEY_ID:NEW\naws_secret_access_key   =   newsecret\r\nregion=x\n');
    checkEdit(text, out.text, 'dev', replace('NEW', 'newsecret'), FILE);
  });

  test('a key whose value continues on indented lines is refused, naming the line', () => {
    const text = '[dev]\naws_access_key_id = A\n  more\naws_secret_access_key = S\n';
    assert.throws(
      () => editSectionKeys(text, 'dev', DROP, FILE),
      (e: unknown) => isMfaExecError(e, 'config') && /line 3: the value of aws_access_key_id in \[dev\] continues/.test(e.message),
    );
  });

  test('an indented "key" line under another setting is that setting\'s value, not a key (as botocore reads it)', () => {
    const text = '[dev]\nregion = x\n  aws_access_key_id = A\n';
    assert.deepEqual(editSectionKeys(text, 'dev', DROP, FILE), { text, edited: [] });
  });

  test('checkEdit refuses a result that changed anything else', () => {
    assert.throws(() => checkEdit('[a]\nk = 1\n', '[a]\nk = 2\n', 'a', DROP, FILE), /would have changed more than the keys of \[a\]/);
    assert.throws(
      () => checkEdit('[a]\naws_access_key_id = 1\n', '[a]\naws_access_key_id = 1\n', 'a', DROP, FILE),
      /aws_access_key_id in \[a\]/,
    );
  });

  test("property: on any file that parses, dropping a section's keys changes nothing else (checkEdit agrees)", () => {
    const line = fc.constantFrom(
      '[dev]',
      '[prod]',
      '[default]',
      '# comment',
      '; other comment',
      '',
      '   ',
      'aws_access_key_id = AKIA1',
      'AWS_SECRET_ACCESS_KEY: s/1+2',
      'aws_secret_access_key=x',
      'region = eu-west-1',
      '  indented = value',
      '\tcontinued',
      'output : json',
    );
    const ending = fc.constantFrom('\n', '\r\n', '\r');
    const file = fc.array(fc.tuple(line, ending), { maxLength: 30 }).map((lines) => lines.map(([l, e]) => l + e).join(''));
    fc.assert(
      fc.property(file, fc.constantFrom('dev', 'prod', 'default'), (text, section) => {
        let before;
        try {
          before = parseIni(text, FILE);
        } catch {
          return; // the AWS CLI refuses it too; import reads the file first and stops there
        }
        let out;
        try {
          out = editSectionKeys(text, section, DROP, FILE);
        } catch (error) {
          assert.ok(isMfaExecError(error, 'config') && /continues on an indented line/.test(error.message), String(error));
          return;
        }
        checkEdit(text, out.text, section, DROP, FILE);
        const after = parseIni(out.text, FILE);
        assert.equal(after.get(section)?.has('aws_access_key_id') ?? false, false);
        assert.deepEqual([...after.keys()], [...before.keys()]);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('appendProfileSection', () => {
  for (const name of ['dev', 'default', 'my prod', "it's mine", 'a"b', 'ünï/cödé', 'x]y']) {
    test(`[${name}] reads back as the profile '${name}'`, () => {
      for (const before of [undefined, '', '[profile a]\nregion = x', '[profile a]\nregion = x\n']) {
        const after = appendProfileSection(before, name, '/c');
        assert.ok(after !== undefined, `${name} after ${JSON.stringify(before)}`);
        assert.ok(after.startsWith(before ?? ''), 'appended, nothing else changed');
        const profiles = parseAwsFiles(after, '/c', undefined, '/k').profiles;
        assert.ok(profiles.has(name), `${JSON.stringify(after)} defines ${name}`);
        if (before?.includes('[profile a]')) assert.equal(profiles.get('a')?.values.region, 'x');
      }
    });
  }

  test('a name no header can hold (a line break, both quote kinds and a backslash) is refused', () => {
    assert.equal(appendProfileSection('', 'a\nb', '/c'), undefined);
    assert.equal(appendProfileSection('', `it's "x"`, '/c'), undefined);
    assert.equal(profileName('profile dev'), 'dev');
  });
});
