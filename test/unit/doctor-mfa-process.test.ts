import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { argvLeak } from '../../src/commands/doctor/mfa-process.ts';

describe('argvLeak: an mfa_process that puts a secret on a command line', () => {
  const cases: [string, ReturnType<typeof argvLeak>][] = [
    // The README's old example, and its variants.
    ['oathtool --totp -b "$(pass aws/totp-seed)"', 'substitution'],
    ['oathtool --totp -b $(pass aws/totp-seed)', 'substitution'],
    ['oathtool --totp -b `pass aws/totp-seed`', 'substitution'],
    ['oathtool --totp -b "`cat ~/.seed`"', 'substitution'],
    ['sh -c "oathtool --totp -b $(cat seed)"', 'substitution'],
    // A literal seed is an argument too.
    ['oathtool --totp -b JBSWY3DPEHPK3PXP', 'literal'],
    ['oathtool --totp -b "JBSWY3DPEHPK3PXP"', 'literal'],
    ["oathtool --totp -b 'JBSWY3DPEHPK3PXPJBSWY3DP===='", 'literal'],
    // Safe: stdin, a file, the password manager's own OTP command.
    ['pass show aws/totp-seed | oathtool --totp -b -', undefined],
    ['oathtool --totp -b @$HOME/.config/aws-totp-seed', undefined],
    ['oathtool --totp -b - < ~/.config/aws-totp-seed', undefined],
    ['pass otp aws/me', undefined],
    ['op item get AWSProductionAccountMFA --otp', undefined],
    ['ykman oath accounts code --single aws-me', undefined],
    // Quoted or escaped, there is no substitution; arithmetic is not one either.
    ["printf '%s' '$(not run)'", undefined],
    ['echo \\$(not run) \\`x\\`', undefined],
    ['echo $((1 + 2))', undefined],
  ];
  for (const [command, want] of cases) test(command, () => assert.equal(argvLeak(command), want));
});
