/**
 * The session token of static credentials is read as botocore reads it: `aws_security_token`
 * (the older name some tools still write) wins over `aws_session_token` whenever it is present,
 * in either file; from the environment (credential_source = Environment) the first non-empty of
 * AWS_SECURITY_TOKEN, AWS_SESSION_TOKEN. Each case is asked of botocore itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseAwsFiles } from '../../src/aws-config/load.ts';
import { resolvePlan } from '../../src/aws-config/plan.ts';
import { needsPython } from '../helpers/needs.ts';

const PYTHON = process.env.PYTHON ?? 'python3';
const skip = needsPython(PYTHON, 'botocore');

const KEYS = 'aws_access_key_id = AKIAEXAMPLE000000000\naws_secret_access_key = secret\n';

/** botocore's token for profile 'p' (files) or from an environment (EnvProvider); null for none. */
const BOTOCORE = `
import json, os, sys
import botocore.session
from botocore.credentials import EnvProvider
out = []
for case in json.load(sys.stdin):
    if 'env' in case:
        creds = EnvProvider(environ=case['env']).load()
    else:
        os.environ['AWS_CONFIG_FILE'] = case['config']
        os.environ['AWS_SHARED_CREDENTIALS_FILE'] = case['credentials']
        creds = botocore.session.Session(profile='p').get_credentials()
    out.append(creds.get_frozen_credentials().token or None)
print(json.dumps(out))
`;

interface FileCase {
  name: string;
  config?: string;
  credentials?: string;
}
const FILE_CASES: FileCase[] = [
  { name: 'aws_security_token alone', credentials: `[p]\n${KEYS}aws_security_token = OLDNAME\n` },
  { name: 'aws_session_token alone', credentials: `[p]\n${KEYS}aws_session_token = NEWNAME\n` },
  { name: 'both, older name first', credentials: `[p]\n${KEYS}aws_security_token = OLDNAME\naws_session_token = NEWNAME\n` },
  { name: 'both, newer name first', credentials: `[p]\n${KEYS}aws_session_token = NEWNAME\naws_security_token = OLDNAME\n` },
  { name: 'in the config file', config: `[profile p]\n${KEYS}aws_security_token = OLDNAME\n` },
  {
    name: 'an empty aws_security_token still wins (no token)',
    credentials: `[p]\n${KEYS}aws_security_token =\naws_session_token = NEWNAME\n`,
  },
];
const ENV_CASES: NodeJS.ProcessEnv[] = [
  { AWS_SECURITY_TOKEN: 'OLDNAME' },
  { AWS_SESSION_TOKEN: 'NEWNAME' },
  { AWS_SECURITY_TOKEN: 'OLDNAME', AWS_SESSION_TOKEN: 'NEWNAME' },
  { AWS_SECURITY_TOKEN: '', AWS_SESSION_TOKEN: 'NEWNAME' },
];
const KEY_ENV = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE000000000', AWS_SECRET_ACCESS_KEY: 'secret' };

describe('session tokens: aws_security_token and AWS_SECURITY_TOKEN as botocore reads them', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-exec-token-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const paths = FILE_CASES.map((c, i) => {
    const config = join(dir, `config-${i}`);
    const credentials = join(dir, `credentials-${i}`);
    writeFileSync(config, c.config ?? '');
    writeFileSync(credentials, c.credentials ?? '');
    return { config, credentials };
  });
  const input = JSON.stringify([...paths, ...ENV_CASES.map((env) => ({ env: { ...KEY_ENV, ...env } }))]);
  const run = spawnSync(PYTHON, ['-c', BOTOCORE], { input, encoding: 'utf8' });
  const answers = skip ? [] : (JSON.parse(run.stdout || 'null') as (string | null)[]);

  FILE_CASES.forEach((c, i) => {
    test(c.name, () => {
      assert.equal(run.status, 0, run.stderr);
      const files = parseAwsFiles(c.config, '/h/config', c.credentials, '/h/credentials');
      const plan = resolvePlan(files, 'p', {});
      assert.equal(plan.source.kind, 'static');
      assert.equal(plan.source.kind === 'static' ? (plan.source.sessionToken ?? null) : 'n/a', answers[i]);
      assert.equal(plan.passThrough, answers[i] !== null, 'temporary credentials are used as they are');
    });
  });

  ENV_CASES.forEach((env, j) => {
    test(`credential_source = Environment with ${JSON.stringify(env)}`, () => {
      assert.equal(run.status, 0, run.stderr);
      const files = parseAwsFiles(
        '[profile p]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_source = Environment\n',
        '/h/config',
        undefined,
        '/h/credentials',
      );
      const plan = resolvePlan(files, 'p', { ...KEY_ENV, ...env });
      assert.equal(plan.source.kind, 'environment');
      assert.equal(plan.source.kind === 'environment' ? (plan.source.sessionToken ?? null) : 'n/a', answers[FILE_CASES.length + j]);
    });
  });
});
