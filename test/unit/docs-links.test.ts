// Every relative link in README.md and docs/*.md leads somewhere: the file exists and, when the
// link names an #anchor, that file has a heading with that anchor (as GitHub makes it). The
// reference material moved from the README into docs/, so a section that moves again, or a
// heading that is reworded, breaks this test instead of a reader's link.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';

/** GitHub's heading anchor: the heading's text, lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // a link: its text
    .replace(/[`*]/g, '') // code and emphasis marks
    .trim();
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The lines of a markdown file, those of fenced code blocks blanked: headings and links live outside them. */
function outsideFences(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return '';
    }
    return fence === undefined ? line : '';
  });
}

/** The anchors of a markdown file: its headings' slugs, numbered when repeated, as GitHub does. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of outsideFences(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Inline links `[text](target)` outside code, with their line numbers. */
function links(markdown: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  for (const [i, line] of outsideFences(markdown).entries()) {
    for (const m of line.replace(/`[^`]*`/g, '``').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ line: i + 1, target: m[1]! });
  }
  return out;
}

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const DOCS = join(REPO_ROOT, 'docs');
const FILES = [
  join(REPO_ROOT, 'README.md'),
  ...readdirSync(DOCS)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(DOCS, f)),
];

/** Every broken relative link of one file (its text, or the text given), as `file:line target (why)`. */
function brokenLinks(file: string, markdown = readFileSync(file, 'utf8')): string[] {
  const broken: string[] = [];
  for (const { line, target } of links(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: — not ours to check
    const [path = '', anchor] = target.split('#', 2);
    const to = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
    const where = `${relative(REPO_ROOT, file)}:${line} ${target}`;
    if (!existsSync(to)) {
      broken.push(`${where} (no such file)`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!to.endsWith('.md')) broken.push(`${where} (an anchor into a file that is not markdown)`);
    else if (!anchors(readFileSync(to, 'utf8')).has(anchor))
      broken.push(`${where} (no heading '#${anchor}' in ${relative(REPO_ROOT, to)})`);
  }
  return broken;
}

describe('the links of README.md and docs/ resolve', () => {
  test('anchors are made as GitHub makes them', () => {
    const cases: [string, string][] = [
      ['`--server`: long-running commands', '--server-long-running-commands'],
      ["The child's environment", 'the-childs-environment'],
      ['Profiles named inside the command (the config view)', 'profiles-named-inside-the-command-the-config-view'],
      ['credential_process (IDE plugins, SDK scripts, the plain AWS CLI)', 'credential_process-ide-plugins-sdk-scripts-the-plain-aws-cli'],
      ['Try it, test it', 'try-it-test-it'],
      ['How it compares to [aws-vault](https://x)', 'how-it-compares-to-aws-vault'],
    ];
    for (const [heading, want] of cases) assert.equal(slug(heading), want, heading);
    assert.deepEqual([...anchors('# A\n## A\n```sh\n# not a heading\n```\n### A\n')], ['a', 'a-1', 'a-2']);
  });

  test('links in code are not links; a link with a title is', () => {
    const md = 'see [x](a.md#b "t") and `[y](c.md)`\n```\n[z](d.md)\n```\n[w](#e)\n';
    assert.deepEqual(
      links(md).map((l) => `${l.line} ${l.target}`),
      ['1 a.md#b', '5 #e'],
    );
  });

  test('the checker finds a missing file, a missing anchor, a missing same-file anchor, an anchor into a non-markdown file', () => {
    const root = mkdtempSync(join(tmpdir(), 'docs-links-'));
    try {
      mkdirSync(join(root, 'docs'));
      writeFileSync(join(root, 'README.md'), '# Tool\n## Install\n');
      writeFileSync(join(root, 'package.json'), '{}');
      writeFileSync(join(root, 'docs', 'commands.md'), '# Commands\n## Exit codes\n');
      const file = join(root, 'docs', 'configuration.md');
      writeFileSync(file, '# Configuration\n## Region\n');
      const found = (md: string) => brokenLinks(file, md).map((b) => /:(\d+ \S+) \(/.exec(b)?.[1]);
      assert.deepEqual(found('[a](nope.md)\n[b](commands.md#nope) [c](#nope)\n[d](../package.json#x)\n'), [
        '1 nope.md',
        '2 commands.md#nope',
        '2 #nope',
        '3 ../package.json#x',
      ]);
      assert.deepEqual(found('[a](commands.md) [b](commands.md#exit-codes) [c](#region) [d](../README.md#install) [e](https://x/#y)'), []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  for (const file of FILES) {
    test(`${relative(REPO_ROOT, file)}: every relative link and anchor resolves`, () => {
      assert.deepEqual(brokenLinks(file), []);
    });
  }

  test('README.md links every file in docs/', () => {
    const linked = new Set(
      links(readFileSync(FILES[0]!, 'utf8'))
        .map((l) => l.target.split('#')[0]!)
        .filter((p) => p.startsWith('docs/')),
    );
    const docs = readdirSync(DOCS)
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`);
    assert.deepEqual(
      docs.filter((d) => !linked.has(d)),
      [],
    );
  });
});
