// doctor warns about an mfa_process that puts a secret on a command line (README's old example).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { baseEnv, makeHome, runCli, writeAwsFiles } from '../harness/index.ts';

const NO_STS = { endpoint: 'http://127.0.0.1:9' };
const KEYS = 'aws_access_key_id = AKIAFAKEFAKEFAKE1234\naws_secret_access_key = fakeSecretKeyForDoctorOnly000000000000\n';

describe('doctor: mfa_process and argv', { timeout: 30_000 }, () => {
  test('$(…), backticks and a literal seed are flagged with the safe forms; stdin, files and OTP commands are not', async () => {
    const { home, cleanup } = await makeHome();
    try {
      const profile = (name: string, mfaProcess: string) =>
        `[profile ${name}]\nmfa_serial = arn:aws:iam::123456789012:mfa/${name}\nmfa_process = ${mfaProcess}\n`;
      await writeAwsFiles(home, {
        config: [
          '[default]\nregion = us-east-1\n',
          profile('subst', 'oathtool --totp -b "$(pass aws/totp-seed)"'),
          profile('ticks', 'oathtool --totp -b `pass aws/totp-seed`'),
          profile('literal', 'oathtool --totp -b JBSWY3DPEHPK3PXP'),
          profile('stdin', 'pass show aws/totp-seed | oathtool --totp -b -'),
          profile('file', 'oathtool --totp -b @$HOME/.config/aws-totp-seed'),
          profile('otp', 'pass otp aws/me'),
        ].join('\n'),
        credentials: ['subst', 'ticks', 'literal', 'stdin', 'file', 'otp'].map((n) => `[${n}]\n${KEYS}`).join('\n'),
      });
      const r = await runCli(['doctor'], { env: baseEnv(home, NO_STS) });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const warnings = r.stdout.split('\n').filter((l) => /^warn\s+profile '/.test(l));
      const flagged = warnings.map((l) => /^warn\s+profile '([^']+)'/.exec(l)![1]).sort();
      assert.deepEqual(flagged, ['literal', 'subst', 'ticks'], r.stdout);
      for (const line of warnings) {
        assert.match(line, /every local user can read in \/proc/);
        assert.match(line, /pass show aws\/totp-seed \| oathtool --totp -b -/);
        assert.match(line, /oathtool --totp -b @FILE/);
      }
      assert.match(
        warnings.find((l) => l.includes("'subst'"))!,
        /command substitution/,
      );
      assert.match(
        warnings.find((l) => l.includes("'literal'"))!,
        /looks like a TOTP seed/,
      );
    } finally {
      await cleanup();
    }
  });
});
