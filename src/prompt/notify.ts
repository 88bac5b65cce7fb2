/**
 * A desktop notification, for what a person must do that is no question (touch the YubiKey).
 * notify-send on Linux, AppleScript's `display notification` on macOS. Best effort: a desktop
 * with no notification daemon, a missing program or a frozen bus never fails or holds up the
 * prompt (bounded, errors ignored). Its argv is readable by every local user: never a secret.
 */
import { spawn } from 'node:child_process';
import type { Platform } from '../platform/index.ts';
import { helperEnv } from './dialog.ts';
import type { PromptContext } from './types.ts';

const BOUND_MS = 3_000;

/** The program and arguments that show it on this desktop; none where there is no such program (Windows). */
export function notificationCommand(summary: string, body: string, platform: Pick<Platform, 'desktop'>): [string, string[]] | undefined {
  if (platform.desktop === 'none') return undefined;
  if (platform.desktop === 'macos') {
    return [
      'osascript',
      [
        '-e',
        'on run argv',
        '-e',
        'display notification (item 2 of argv) with title (item 1 of argv)',
        '-e',
        'end run',
        '--',
        summary,
        body,
      ],
    ];
  }
  return ['notify-send', ['--app-name=mfa-exec', '--expire-time=15000', '--', summary, body]];
}

/** Shows the notification; resolves when it was handed over, failed, or took too long (then it is left to finish). */
export function notify(summary: string, body: string, ctx: Pick<PromptContext, 'env' | 'platform'>): Promise<void> {
  const command = notificationCommand(summary, body, ctx.platform);
  if (!command) return Promise.resolve();
  const [file, args] = command;
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(file, args, { stdio: 'ignore', env: helperEnv(ctx.env) });
    } catch {
      return resolve();
    }
    const timer = setTimeout(() => {
      child.unref();
      resolve();
    }, BOUND_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    child.once('error', done);
    child.once('exit', done);
  });
}
