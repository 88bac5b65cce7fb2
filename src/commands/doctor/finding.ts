/** One line of `mfa-exec doctor`: ok, warn (worth a look) or fail (something is broken). */
export type Level = 'ok' | 'warn' | 'fail';
export type Finding = readonly [Level, string];
