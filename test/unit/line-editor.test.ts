// The line editing of a question read in raw mode (src/prompt/line-editor.ts): bytes in, the
// line, the echo and a cancel out. The terminal itself: test/e2e/keys-prompt.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lineEditor } from '../../src/prompt/line-editor.ts';

/** Feeds `input` until the line is done; the line (or 'cancel'), the echo, and the bytes not read. */
function type(input: string, options: { echo: boolean; afterCR?: boolean }) {
  const editor = lineEditor(options);
  const bytes = Buffer.from(input, 'utf8');
  let echo = '';
  for (let i = 0; i < bytes.length; i++) {
    const fed = editor.feed(bytes[i]!);
    if (fed.kind === 'cancel') return { line: 'cancel', echo, rest: bytes.subarray(i + 1).toString() };
    echo += fed.echo;
    if (fed.kind === 'done') return { line: fed.line, echo, rest: bytes.subarray(i + 1).toString() };
  }
  return { line: undefined, echo, rest: '' };
}

describe('lineEditor', () => {
  const CASES: [string, string, { echo: boolean; afterCR?: boolean }, { line: string | undefined; echo?: string; rest?: string }][] = [
    ['a line ends at CR; what follows is left', 'AKIA1\rsecret\r', { echo: true }, { line: 'AKIA1', echo: 'AKIA1\n', rest: 'secret\r' }],
    ['or at LF', 'abc\nx', { echo: true }, { line: 'abc', rest: 'x' }],
    ['a secret shows nothing but the line end', 'secret\r', { echo: false }, { line: 'secret', echo: '\n' }],
    ['the LF of a pasted CRLF belongs to the line before', '\nnext\r', { echo: true, afterCR: true }, { line: 'next', echo: 'next\n' }],
    ['only right after it', 'a\n', { echo: true, afterCR: false }, { line: 'a' }],
    ['Backspace and DEL erase a character', 'abx\x7fc\x08d\r', { echo: true }, { line: 'abd', echo: 'abx\b \bc\b \bd\n' }],
    ['Backspace on an empty line does nothing', '\x7fa\r', { echo: true }, { line: 'a', echo: 'a\n' }],
    ['erasing a secret echoes nothing', 'ab\x7fc\r', { echo: false }, { line: 'ac', echo: '\n' }],
    ['Ctrl-U erases the line', 'abc\x15de\r', { echo: true }, { line: 'de', echo: `abc${'\b \b'.repeat(3)}de\n` }],
    ['Ctrl-W erases a word and the spaces after it', 'one two  \x17x\r', { echo: false }, { line: 'one x' }],
    ['arrow keys and other CSI/SS3 sequences are dropped', 'a\x1b[Db\x1bOAc\x1b[1;5Cd\r', { echo: true }, { line: 'abcd', echo: 'abcd\n' }],
    ['Alt-x is dropped', 'a\x1bxb\r', { echo: true }, { line: 'ab' }],
    ['other control characters are not part of the answer', 'a\tb\x1ac\r', { echo: true }, { line: 'abc' }],
    ['UTF-8 is echoed whole, and erased whole', 'é€\x7f✓\r', { echo: true }, { line: 'é✓', echo: 'é€\b \b✓\n' }],
    ['Ctrl-C cancels', 'abc\x03def\r', { echo: true }, { line: 'cancel', rest: 'def\r' }],
    ['Ctrl-D cancels', '\x04', { echo: false }, { line: 'cancel' }],
    ['no line end yet: not done', 'abc', { echo: true }, { line: undefined, echo: 'abc' }],
  ];
  for (const [name, input, options, want] of CASES) {
    test(name, () => {
      const got = type(input, options);
      assert.equal(got.line, want.line);
      if (want.echo !== undefined) assert.equal(got.echo, want.echo);
      if (want.rest !== undefined) assert.equal(got.rest, want.rest);
    });
  }
});
