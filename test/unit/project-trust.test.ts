// Trusting a project file (src/project/trust.ts, pin.ts, writers.ts): what takes effect for each
// state of approval, the tightening against the last decision, the profile precedence, and who
// else could change the file.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { selectProfile } from '../../src/aws-config/select-profile.ts';
import { pinProfile } from '../../src/project/pin.ts';
import { appliedSettings, restrictionsOf, tighten, trustState } from '../../src/project/trust.ts';
import type { Applied, Project, ProjectSettings, Restrictions, TrustRecord } from '../../src/project/types.ts';
import { isPrivateGroup, otherWriters } from '../../src/project/writers.ts';

const HASH = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const FILE = '/home/u/repo/.mfa-exec';

function record(decision: 'allow' | 'deny', sha256: string, restrictions: Restrictions): TrustRecord {
  return { path: FILE, sha256, decision, at: '2026-01-01T00:00:00.000Z', restrictions };
}

describe('trustState', () => {
  const r = record('allow', HASH, { confirm: false, confirmPatterns: [] });
  const cases: [string, TrustRecord | undefined, string, string][] = [
    ['no record: new', undefined, HASH, 'new'],
    ['approved content', r, HASH, 'approved'],
    ['approved, then edited: changed', r, OTHER, 'changed'],
    ['denied content', { ...r, decision: 'deny' }, HASH, 'denied'],
    ['denied, then edited: changed (said again)', { ...r, decision: 'deny' }, OTHER, 'changed'],
  ];
  for (const [name, rec, hash, want] of cases) test(name, () => assert.equal(trustState(rec, hash), want));
});

describe('tighten: an unapproved change never loosens', () => {
  const cases: [string, Restrictions | undefined, Restrictions, Restrictions][] = [
    [
      'nothing decided before: the file as it is',
      undefined,
      { allowedAccountIds: ['1'], confirm: true, confirmPatterns: [] },
      { allowedAccountIds: ['1'], confirm: true, confirmPatterns: [] },
    ],
    [
      'an account added by the change is not allowed yet',
      { allowedAccountIds: ['1'], confirm: false, confirmPatterns: [] },
      { allowedAccountIds: ['1', '2'], confirm: false, confirmPatterns: [] },
      { allowedAccountIds: ['1'], confirm: false, confirmPatterns: [] },
    ],
    [
      'an account removed by the change is refused at once',
      { allowedAccountIds: ['1', '2'], confirm: false, confirmPatterns: [] },
      { allowedAccountIds: ['2'], confirm: false, confirmPatterns: [] },
      { allowedAccountIds: ['2'], confirm: false, confirmPatterns: [] },
    ],
    [
      'the list removed by the change: the approved one stays',
      { allowedAccountIds: ['1'], confirm: false, confirmPatterns: [] },
      { confirm: false, confirmPatterns: [] },
      { allowedAccountIds: ['1'], confirm: false, confirmPatterns: [] },
    ],
    [
      'confirm removed by the change stays on (the lead asked: confirm removal is loosening)',
      { confirm: true, confirmPatterns: ['terragrunt apply'] },
      { confirm: false, confirmPatterns: [] },
      { confirm: true, confirmPatterns: ['terragrunt apply'] },
    ],
    [
      'patterns are joined',
      { confirm: true, confirmPatterns: ['a x'] },
      { confirm: true, confirmPatterns: ['b y', 'a x'] },
      { confirm: true, confirmPatterns: ['a x', 'b y'] },
    ],
    [
      'no account in common: none allowed',
      { allowedAccountIds: ['1'], confirm: false, confirmPatterns: [] },
      { allowedAccountIds: ['2'], confirm: false, confirmPatterns: [] },
      { allowedAccountIds: [], confirm: false, confirmPatterns: [] },
    ],
  ];
  for (const [name, decided, now, want] of cases) test(name, () => assert.deepEqual(tighten(decided, now), want));
});

describe('appliedSettings: what takes effect', () => {
  const settings: ProjectSettings = {
    profile: 'prod',
    allowedAccountIds: ['222222222222'],
    confirm: { on: true, patterns: [] },
    minLifetimeSeconds: 1800,
    server: true,
  };
  const own = restrictionsOf(settings);
  const cases: [string, Parameters<typeof appliedSettings>[1], TrustRecord | undefined, Applied][] = [
    [
      'approved: everything',
      'approved',
      record('allow', HASH, own),
      { profile: 'prod', allowedAccountIds: ['222222222222'], confirm: true, confirmPatterns: [], minLifetimeSeconds: 1800, server: true },
    ],
    ['new: only what refuses more', 'new', undefined, { allowedAccountIds: ['222222222222'], confirm: true, confirmPatterns: [] }],
    [
      'denied: only what refuses more',
      'denied',
      record('deny', HASH, own),
      { allowedAccountIds: ['222222222222'], confirm: true, confirmPatterns: [] },
    ],
    [
      'changed: its restrictions, tightened by the approved ones; never its profile',
      'changed',
      record('allow', OTHER, { allowedAccountIds: ['111111111111', '222222222222'], confirm: false, confirmPatterns: [] }),
      { allowedAccountIds: ['222222222222'], confirm: true, confirmPatterns: [] },
    ],
  ];
  for (const [name, state, rec, want] of cases) test(name, () => assert.deepEqual(appliedSettings(settings, state, rec), want));
});

describe('the profile precedence: explicit, then the approved project file, then [default]', () => {
  const approved: Project = {
    file: FILE,
    state: 'approved',
    settings: { profile: 'prod' },
    sha256: HASH,
    applied: { profile: 'prod', confirm: false, confirmPatterns: [] },
  };
  const unapproved: Project = { ...approved, state: 'new', applied: { confirm: false, confirmPatterns: [] } };
  const ignored: Project = { file: FILE, state: 'ignored', why: 'every user can write it' };
  const cases: [string, string | undefined, NodeJS.ProcessEnv, Project | undefined, { name: string; from: string; project?: string }][] = [
    ['-p wins over everything', 'cli', { MFA_EXEC_PROFILE: 'me', AWS_PROFILE: 'aws' }, approved, { name: 'cli', from: '--profile' }],
    [
      'MFA_EXEC_PROFILE over AWS_PROFILE and the file',
      undefined,
      { MFA_EXEC_PROFILE: 'me', AWS_PROFILE: 'aws' },
      approved,
      { name: 'me', from: 'MFA_EXEC_PROFILE' },
    ],
    ['AWS_PROFILE over the file', undefined, { AWS_PROFILE: 'aws' }, approved, { name: 'aws', from: 'AWS_PROFILE' }],
    [
      'AWS_DEFAULT_PROFILE over the file',
      undefined,
      { AWS_DEFAULT_PROFILE: 'old' },
      approved,
      { name: 'old', from: 'AWS_DEFAULT_PROFILE' },
    ],
    [
      'an empty variable is no choice: the file',
      undefined,
      { AWS_PROFILE: '' },
      approved,
      { name: 'prod', from: `project file ${FILE}`, project: FILE },
    ],
    ['nothing explicit: the approved file', undefined, {}, approved, { name: 'prod', from: `project file ${FILE}`, project: FILE }],
    ['an unapproved file: [default]', undefined, {}, unapproved, { name: 'default', from: 'the default' }],
    ['an ignored file: [default]', undefined, {}, ignored, { name: 'default', from: 'the default' }],
    ['no file: [default]', undefined, {}, undefined, { name: 'default', from: 'the default' }],
  ];
  for (const [name, flag, env, project, want] of cases) {
    test(name, () => {
      const choice = pinProfile(selectProfile(flag, env), project);
      assert.deepEqual({ name: choice.name, from: choice.from, ...(choice.project ? { project: choice.project } : {}) }, want);
      if (choice.project)
        assert.equal(choice.requested, undefined, 'a pinned profile is not a request: an outer run injected one still wins');
    });
  }
});

describe('otherWriters: a file another user can change is ignored', () => {
  const passwd =
    'root:x:0:0::/root:/bin/sh\nme:x:1000:1000::/home/me:/bin/sh\nyou:x:1001:1001::/home/you:/bin/sh\nstaffer:x:1002:50::/h:/bin/sh\n';
  const group = 'root:x:0:\nme:x:1000:\nyou:x:1001:\nstaff:x:50:me\nshared:x:60:me,you\nmine:x:70:me\n';
  const files = { passwd: () => passwd, group: () => group };
  const me = { uid: 1000 };
  const cases: [string, { uid: number; gid: number; mode: number }, RegExp | undefined][] = [
    ['mine, 644', { uid: 1000, gid: 1000, mode: 0o100644 }, undefined],
    ['mine, 600', { uid: 1000, gid: 1000, mode: 0o100600 }, undefined],
    ["root's (root can change any file anyway)", { uid: 0, gid: 0, mode: 0o100644 }, undefined],
    ["another user's", { uid: 1001, gid: 1001, mode: 0o100644 }, /belongs to another user \(uid 1001\)/],
    ['world-writable', { uid: 1000, gid: 1000, mode: 0o100666 }, /every user can write it \(mode 666\)/],
    [
      'group-writable, my private group (umask 002, as git clone writes on Debian/Ubuntu)',
      { uid: 1000, gid: 1000, mode: 0o100664 },
      undefined,
    ],
    ['group-writable, a group only I am listed in', { uid: 1000, gid: 70, mode: 0o100664 }, undefined],
    ['group-writable, a group another user is listed in', { uid: 1000, gid: 60, mode: 0o100664 }, /its group \(gid 60\) can write it/],
    ["group-writable, another user's primary group", { uid: 1000, gid: 50, mode: 0o100664 }, /gid 50/],
    ['group-writable, a group /etc/group does not describe (LDAP): shared', { uid: 1000, gid: 99, mode: 0o100664 }, /gid 99/],
  ];
  for (const [name, stat, want] of cases) {
    test(name, () => {
      const why = otherWriters(stat, me, files);
      if (want === undefined) assert.equal(why, undefined);
      else assert.match(why ?? '', want);
    });
  }
  test('unreadable /etc files: a group-writable file counts as shared', () => {
    assert.equal(isPrivateGroup(1000, 1000, { passwd: () => undefined, group: () => group }), false);
  });
});
