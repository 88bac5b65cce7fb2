/**
 * The program a keyring child process runs (`node -e`), as text so that it needs no file of its
 * own in the bundle. It reads one JSON request on stdin, makes one call into @napi-rs/keyring, and
 * writes one JSON answer on stdout. Secrets travel only through those pipes, never argv or env.
 *
 * Why a child process at all: the native library talks to D-Bus synchronously on Linux, in the
 * constructor and in every call, on the thread that calls it. A session bus that accepts the
 * connection and never answers (a stopped dbus-daemon, a stale address) blocks that thread for
 * good: an AbortSignal or a timer cannot fire, and a worker thread stuck in native code keeps the
 * process from exiting. A child can always be killed; keyring-process.ts does so at its deadline.
 *
 * The entry is opened with the options the request carries, the platform's (src/platform/: on
 * Linux pinned to the Secret Service).
 *
 * Request:  { module, service, op: 'probe'|'get'|'set'|'remove'|'list', account?, value?, entry? }
 * Answer:   { ok: true, value?, removed?, accounts? } | { ok: false, stage: 'load'|'open'|'call', message }
 */
export const KEYRING_CHILD_SOURCE = String.raw`
'use strict';
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  let stage = 'load';
  let answer;
  try {
    const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const lib = require(req.module);
    stage = 'open';
    const entry = new lib.Entry(req.service, typeof req.account === 'string' ? req.account : '(mfa-exec probe)', req.entry);
    stage = 'call';
    switch (req.op) {
      case 'probe': entry.getPassword(); answer = { ok: true }; break;
      case 'get': answer = { ok: true, value: entry.getPassword() }; break;
      case 'set': entry.setPassword(req.value); answer = { ok: true }; break;
      case 'remove': answer = { ok: true, removed: entry.deleteCredential() }; break;
      case 'list': {
        entry.getPassword();
        const found = lib.findCredentials(req.service);
        answer = { ok: true, accounts: found.map((c) => c.account) };
        break;
      }
      default: throw new Error('unknown operation');
    }
  } catch (error) {
    answer = { ok: false, stage, message: String((error && error.message) || error) };
  }
  process.stdout.write(JSON.stringify(answer));
});
`;
