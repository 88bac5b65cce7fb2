/**
 * Which files the AWS CLI reads: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else
 * ~/.aws/config and ~/.aws/credentials, expanded as botocore expands them.
 *
 * Inside a command mfa-exec started, those variables point at mfa-exec's view of the user's files
 * (src/config-view/), and MFA_EXEC_VIEW, MFA_EXEC_USER_CONFIG_FILE and
 * MFA_EXEC_USER_CREDENTIALS_FILE say which files the view was made from: a nested mfa-exec reads
 * those, never the view (whose profiles all run mfa-exec: reading it would be a loop). A variable
 * the command changed to another file is honoured.
 *
 * Deliberate differences from botocore: an empty AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE
 * means the default path (as the JS and Go SDKs read it); "~user" paths are not expanded.
 */
import { join, resolve } from 'node:path';

/** The markers mfa-exec leaves in a child's environment beside the view's two paths. */
export const VIEW_MARKERS = {
  /** The view's directory. */
  dir: 'MFA_EXEC_VIEW',
  /** The user's own AWS_CONFIG_FILE as an absolute path, or '' when the user set none. */
  config: 'MFA_EXEC_USER_CONFIG_FILE',
  /** The same for AWS_SHARED_CREDENTIALS_FILE. */
  credentials: 'MFA_EXEC_USER_CREDENTIALS_FILE',
} as const;

/** The first words of every file of a view (render.ts writes them; load.ts refuses to read such a file as the user's). */
export const VIEW_FILE_FIRST_WORDS = '# Written by mfa-exec from ';

type Which = 'config' | 'credentials';
const FILES: Record<Which, { variable: string; fallback: string; viewFile: string }> = {
  config: { variable: 'AWS_CONFIG_FILE', fallback: '~/.aws/config', viewFile: 'config' },
  credentials: { variable: 'AWS_SHARED_CREDENTIALS_FILE', fallback: '~/.aws/credentials', viewFile: 'credentials' },
};

/**
 * The config and credentials file paths, as botocore finds them: AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials; $VAR / ${VAR} expanded
 * first (os.path.expandvars), then a leading "~" (os.path.expanduser). Relative paths are
 * resolved against `cwd`. A variable set to the empty string counts as unset (botocore would
 * read no file at all; the AWS SDKs for JS and Go use the default path, and so do we). A path
 * that is mfa-exec's view (see above) stands for the user's file it was made from.
 */
export function configFilePaths(env: NodeJS.ProcessEnv, homedir: string, cwd: string): { configFile: string; credentialsFile: string } {
  return { configFile: userFile('config', env, homedir, cwd).path, credentialsFile: userFile('credentials', env, homedir, cwd).path };
}

/**
 * What a child of mfa-exec gets as MFA_EXEC_USER_CONFIG_FILE / MFA_EXEC_USER_CREDENTIALS_FILE:
 * the user's own file as an absolute path when a variable named one, '' when the default is used.
 */
function userFileMarkers(env: NodeJS.ProcessEnv, homedir: string, cwd: string): Record<string, string> {
  const marker = (which: Which) => {
    const file = userFile(which, env, homedir, cwd);
    return file.explicit ? file.path : '';
  };
  return { [VIEW_MARKERS.config]: marker('config'), [VIEW_MARKERS.credentials]: marker('credentials') };
}

/**
 * What a child gets to read the view at `view` (a directory holding `config` and `credentials`)
 * and its nested runs the user's files behind it.
 */
export function viewVariables(view: string, env: NodeJS.ProcessEnv, homedir: string, cwd: string): Record<string, string> {
  return {
    [FILES.config.variable]: join(view, FILES.config.viewFile),
    [FILES.credentials.variable]: join(view, FILES.credentials.viewFile),
    [VIEW_MARKERS.dir]: view,
    ...userFileMarkers(env, homedir, cwd),
  };
}

/**
 * The user's file behind an environment that may point at a view: the user's own variable as it
 * was, for a child that is to see the user's files (MFA_EXEC_DISABLE=1, `aws configure`). Pure;
 * the markers are dropped once nothing points at the view any more.
 */
export function withoutView(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const dir = env[VIEW_MARKERS.dir];
  if (!dir) return env;
  const out: NodeJS.ProcessEnv = { ...env };
  for (const which of ['config', 'credentials'] as const) {
    const { variable, viewFile } = FILES[which];
    // Read from `env`, not the copy: what is decided from a value is a read of it (src/memo/ records reads).
    if (env[variable] !== join(dir, viewFile)) continue;
    const own = env[VIEW_MARKERS[which]];
    if (own) out[variable] = own;
    else delete out[variable];
  }
  for (const name of Object.values(VIEW_MARKERS)) delete out[name];
  return out;
}

function userFile(which: Which, env: NodeJS.ProcessEnv, homedir: string, cwd: string): { path: string; explicit: boolean } {
  const { variable, fallback, viewFile } = FILES[which];
  const locate = (raw: string) => resolve(cwd, expandUser(expandVars(raw, env), homedir));
  const set = env[variable];
  const path = locate(set || fallback);
  const dir = env[VIEW_MARKERS.dir];
  if (dir && path === join(dir, viewFile)) {
    // The view we (or an outer mfa-exec) made: the marker holds the user's own path, already absolute.
    const own = env[VIEW_MARKERS[which]];
    return own ? { path: resolve(own), explicit: true } : { path: locate(fallback), explicit: false };
  }
  return { path, explicit: !!set };
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
