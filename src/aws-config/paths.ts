/**
 * Which files the AWS CLI reads: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else
 * ~/.aws/config and ~/.aws/credentials, expanded as botocore expands them.
 *
 * Deliberate differences from botocore: an empty AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE
 * means the default path (as the JS and Go SDKs read it); "~user" paths are not expanded.
 */
import { resolve } from 'node:path';

/**
 * The config and credentials file paths, as botocore finds them: AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials; $VAR / ${VAR} expanded
 * first (os.path.expandvars), then a leading "~" (os.path.expanduser). Relative paths are
 * resolved against `cwd`. A variable set to the empty string counts as unset (botocore would
 * read no file at all; the AWS SDKs for JS and Go use the default path, and so do we).
 */
export function configFilePaths(env: NodeJS.ProcessEnv, homedir: string, cwd: string): { configFile: string; credentialsFile: string } {
  const locate = (variable: string, fallback: string): string => {
    const raw = env[variable] || fallback;
    return resolve(cwd, expandUser(expandVars(raw, env), homedir));
  };
  return {
    configFile: locate('AWS_CONFIG_FILE', '~/.aws/config'),
    credentialsFile: locate('AWS_SHARED_CREDENTIALS_FILE', '~/.aws/credentials'),
  };
}

/**
 * posixpath.expandvars: $NAME (ASCII letters, digits, _) and ${NAME}; unknown variables stay.
 * A hand-written scan: the regular expression Python uses is quadratic on "${${${..." in JS.
 */
function expandVars(path: string, env: NodeJS.ProcessEnv): string {
  let out = '';
  let copied = 0; // path[copied..] not yet in out
  let noCloseAfter = path.length; // no '}' at or after this index
  for (let i = path.indexOf('$'); i >= 0; i = path.indexOf('$', i)) {
    let name: string | undefined;
    let end = i + 1;
    if (path.charCodeAt(i + 1) === 0x7b /* { */) {
      const close = i + 2 >= noCloseAfter ? -1 : path.indexOf('}', i + 2);
      if (close < 0) noCloseAfter = Math.min(noCloseAfter, i + 2);
      else [name, end] = [path.slice(i + 2, close), close + 1];
    } else {
      while (end < path.length && isAsciiWordChar(path.charCodeAt(end))) end++;
      if (end > i + 1) name = path.slice(i + 1, end);
    }
    if (name === undefined) {
      i++;
      continue;
    }
    const value = env[name];
    if (value !== undefined) {
      out += path.slice(copied, i) + value;
      copied = end;
    }
    i = end;
  }
  return copied === 0 ? path : out + path.slice(copied);
}

function isAsciiWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** posixpath.expanduser for "~" and "~/..."; "~user" is left alone (we do not read passwd). */
function expandUser(path: string, homedir: string): string {
  if (path !== '~' && !path.startsWith('~/')) return path;
  const home = homedir.replace(/\/+$/, '');
  return home + path.slice(1) || '/';
}
