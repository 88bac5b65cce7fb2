// A $BROWSER stand-in for tests: `browser-standin.mjs --state DIR URL` (the wrapper made by
// makeBrowser() supplies --state). It records the open, then does what a person would do:
// follows the page's redirects (authorize → 302 → the loopback redirect URI) and submits the
// page's form (the device verification page's "Confirm"). Like a real browser it returns at
// once and works in the background (a child in the same process group), so a caller that waits
// for its browser command does not block its own callback server.
//
// DIR/opens.jsonl     one line per open: {pid, at, url}            (the full URL: keep DIR out of HOME)
// DIR/outcomes.jsonl  one line per finished visit: {pid, at, kind, steps:[{method, path, status}], error?}
//                     (paths without query strings: no codes or states)
// DIR/mode            optional: complete (default) | ignore (record only) | fail (record, exit 3)
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TIMEOUT_MS = 30_000;

function record(dir, file, entry) {
  // One write(2) of one line with O_APPEND: parallel opens do not interleave.
  appendFileSync(join(dir, file), JSON.stringify({ pid: process.pid, at: Date.now(), ...entry }) + '\n');
}

function mode(dir) {
  try {
    return readFileSync(join(dir, 'mode'), 'utf8').trim() || 'complete';
  } catch {
    return 'complete';
  }
}

/** The first <form> of a page: where it posts and its named inputs. */
function firstForm(html) {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const attr = (s, name) => new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(s)?.[1];
  const fields = new URLSearchParams();
  for (const m of form[2].matchAll(/<input\b([^>]*)>/gi)) {
    const name = attr(m[1], 'name');
    if (name)
      fields.append(
        name,
        (attr(m[1], 'value') ?? '')
          .replace(/&quot;/g, '"')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&'),
      );
  }
  return { action: attr(form[1], 'action') ?? '', method: (attr(form[1], 'method') ?? 'get').toUpperCase(), fields };
}

async function visit(dir, start) {
  const first = new URL(start);
  const kind = first.pathname.endsWith('/authorize') ? 'authorize' : first.pathname.startsWith('/device') ? 'device' : 'other';
  const steps = [];
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  let url = first;
  let init = { method: 'GET' };
  try {
    for (let i = 0; i < 10; i++) {
      const res = await fetch(url, { ...init, redirect: 'manual', signal });
      steps.push({ method: init.method, host: url.host, path: url.pathname, status: res.status });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url);
        init = { method: 'GET' };
        await res.arrayBuffer();
        continue;
      }
      const html = (res.headers.get('content-type') ?? '').includes('html') ? await res.text() : (await res.arrayBuffer(), '');
      const form = res.status === 200 ? firstForm(html) : undefined;
      if (!form) break;
      if ([...form.fields.values()].some((v) => v === '')) {
        record(dir, 'outcomes.jsonl', { kind, steps, error: 'the page asks for input this stand-in does not have (a user code?)' });
        return;
      }
      url = new URL(form.action, url);
      init =
        form.method === 'POST'
          ? { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.fields.toString() }
          : { method: 'GET' };
      if (init.method === 'GET') for (const [k, v] of form.fields) url.searchParams.set(k, v);
    }
    record(dir, 'outcomes.jsonl', { kind, steps });
  } catch (err) {
    record(dir, 'outcomes.jsonl', {
      kind,
      steps,
      error: err instanceof Error ? `${err.name}: ${err.message}${err.cause ? ` (${err.cause.code ?? err.cause})` : ''}` : String(err),
    });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--visit') {
  await visit(args[1], args[2]);
} else {
  const dir = args[0] === '--state' ? args[1] : process.env.FAKE_BROWSER_DIR;
  const url = args[0] === '--state' ? args[2] : args[0];
  if (!dir || !url) {
    process.stderr.write('usage: browser-standin.mjs --state DIR URL\n');
    process.exit(2);
  }
  record(dir, 'opens.jsonl', { url });
  const m = mode(dir);
  if (m === 'fail') {
    process.stderr.write('browser-standin: cannot open a display (mode fail)\n');
    process.exit(3);
  }
  if (m === 'complete') {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--visit', dir, url], { stdio: 'ignore' });
    child.unref();
  }
}
