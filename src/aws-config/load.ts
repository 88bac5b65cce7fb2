/**
 * Which files the AWS CLI reads, and the profiles it finds in them.
 *
 * Mirrors botocore.session.Session().full_config['profiles']:
 * - the config file goes through configloader.load_config: "[default]" is the profile "default";
 *   a section whose name starts with "profile" is split like shlex.split() and names a profile
 *   only when that gives exactly two words ("[profile "my name"]" -> "my name",
 *   "[profile a b]" and "[profile]" -> nothing, "[profileX y]" -> "y"); every other section
 *   (sso-session, services, plugins, ...) is not a profile. Two sections naming the same profile
 *   ("[default]" and "[profile default]") do not merge: the later one replaces the earlier.
 * - then every section of the credentials file, its name used as is ("[profile x]" there is the
 *   profile "profile x"), adds a profile or overrides the config file's keys one by one.
 * Values are strings. Where botocore returns a dict for a nested block ("s3 =" followed by
 * indented lines), the profile holds the raw block (starting with "\n"); parseNestedValue in
 * ini.ts splits it the way botocore does.
 *
 * Deliberate differences from botocore: a config or credentials path that exists but cannot be
 * read (a directory, no permission) is a ConfigError here, where botocore silently reads nothing;
 * an empty AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE means the default path (see
 * configFilePaths); "~user" paths are not expanded.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { parseIni } from './ini.ts';
import type { AwsFiles, Profile } from './types.ts';

export interface FileSystemLike {
  /** The file's text, or undefined when it does not exist (ENOENT/ENOTDIR). */
  readFile(path: string): string | undefined;
}

/**
 * The config and credentials file paths, as botocore finds them: AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials; $VAR / ${VAR} expanded
 * first (os.path.expandvars), then a leading "~" (os.path.expanduser). Relative paths are
 * resolved against `cwd`. A variable set to the empty string counts as unset (botocore would
 * read no file at all; the AWS SDKs for JS and Go use the default path, and so do we).
 */
export function configFilePaths(
  env: NodeJS.ProcessEnv,
  homedir: string,
  cwd: string = process.cwd(),
): { configFile: string; credentialsFile: string } {
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

/** Profiles from the two files' texts (undefined = file missing). Pure; throws ConfigError. */
export function parseAwsFiles(
  configText: string | undefined,
  configFile: string,
  credentialsText: string | undefined,
  credentialsFile: string,
): AwsFiles {
  const profiles = new Map<string, { values: Record<string, string>; origin: Record<string, string> }>();
  if (configText !== undefined) {
    for (const [section, values] of parseIni(configText, configFile)) {
      const name = profileName(section);
      if (name !== undefined) profiles.set(name, fromSection(values, configFile));
    }
  }
  if (credentialsText !== undefined) {
    for (const [section, values] of parseIni(credentialsText, credentialsFile)) {
      const existing = profiles.get(section);
      if (existing === undefined) {
        profiles.set(section, fromSection(values, credentialsFile));
        continue;
      }
      for (const [key, value] of values) {
        existing.values[key] = value;
        existing.origin[key] = credentialsFile;
      }
    }
  }
  const result = new Map<string, Profile>();
  for (const [name, { values, origin }] of profiles) result.set(name, { name, values, origin });
  return { configFile, credentialsFile, profiles: result };
}

/**
 * Records with a null prototype, so that keys such as "__proto__" or "constructor" are plain
 * settings (read them with Object.hasOwn / `in`, not obj.hasOwnProperty).
 */
function fromSection(
  values: ReadonlyMap<string, string>,
  file: string,
): { values: Record<string, string>; origin: Record<string, string> } {
  const record: Record<string, string> = Object.create(null);
  const origin: Record<string, string> = Object.create(null);
  for (const [key, value] of values) {
    record[key] = value;
    origin[key] = file;
  }
  return { values: record, origin };
}

/** The profile a config-file section defines, like botocore's build_profile_map. */
export function profileName(section: string): string | undefined {
  if (section.startsWith('profile')) {
    const words = shlexSplit(section);
    return words !== undefined && words.length === 2 ? words[1] : undefined;
  }
  return section === 'default' ? 'default' : undefined;
}

/**
 * Python's shlex.split(s) (POSIX mode, no comments): words separated by space, tab, CR or LF;
 * single quotes literal; double quotes with backslash escaping only '"' and '\'; a backslash
 * outside quotes escapes any character. Returns undefined where Python raises ValueError
 * (unclosed quote, trailing backslash).
 */
export function shlexSplit(s: string): string[] | undefined {
  const words: string[] = [];
  let token = '';
  let inWord = false; // a word has started (possibly empty, from quotes)
  let quote = ''; // '' | "'" | '"'
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quote === "'") {
      if (c === "'") quote = '';
      else token += c;
    } else if (quote === '"') {
      if (c === '"') quote = '';
      else if (c === '\\') {
        if (i + 1 >= s.length) return undefined;
        const next = s[++i] as string;
        token += next === '"' || next === '\\' ? next : c + next;
      } else token += c;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (inWord) words.push(token);
      token = '';
      inWord = false;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= s.length) return undefined;
      token += s[++i] as string;
      inWord = true;
    } else {
      token += c;
      inWord = true;
    }
  }
  if (quote !== '') return undefined;
  if (inWord) words.push(token);
  return words;
}

/** Reads with readFileSync: UTF-8 (as Python reads under a UTF-8 locale), BOM kept as text. */
export const nodeFileSystem: FileSystemLike = {
  readFile(path: string): string | undefined {
    let bytes: Buffer;
    try {
      bytes = readBounded(path);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      const problem =
        code === 'EISDIR'
          ? 'is a directory, not a file. Remove or rename it'
          : code === 'EACCES' || code === 'EPERM'
            ? 'cannot be read: permission denied. Give your user read access to it (for example chmod 600)'
            : `cannot be read (${code ?? 'unknown error'}). Fix the file`;
      throw new ConfigError(
        `${path} ${problem}, or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at the file you mean.`,
        { cause: error },
      );
    }
    if (!isUtf8(bytes)) {
      throw new ConfigError(
        `${path} is not valid UTF-8 text. Save it as UTF-8 (without a byte order mark); the AWS CLI refuses this file too.`,
      );
    }
    return bytes.toString('utf8');
  },
};

const MAX_CONFIG_BYTES = 64 * 1024 * 1024;
const PIPE_WAIT_MS = 5_000;

/**
 * A regular file is read whole. Anything else (a pipe from `AWS_CONFIG_FILE=<(…)`, a FIFO,
 * /dev/null, /dev/zero) is opened without blocking and read with bounds: a FIFO nobody writes
 * to reads as empty instead of hanging, a writer that stays silent for 5 s and a source that never
 * ends are errors.
 */
function readBounded(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    if (stat.isFile()) return readFileSync(fd);
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(64 * 1024);
    let total = 0;
    let deadline = Date.now() + PIPE_WAIT_MS;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        if (Date.now() > deadline) throw new ConfigError(`${path} is a pipe that gave nothing to read for ${PIPE_WAIT_MS / 1000} s; point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at a regular file.`);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (n === 0) return Buffer.concat(chunks);
      chunks.push(Buffer.from(buffer.subarray(0, n)));
      total += n;
      deadline = Date.now() + PIPE_WAIT_MS;
      if (total > MAX_CONFIG_BYTES) throw new ConfigError(`${path} is not a regular file and gave over ${MAX_CONFIG_BYTES / 1024 / 1024} MiB without ending; point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at a regular file.`);
    }
  } finally {
    closeSync(fd);
  }
}

/** Read both files synchronously (no stat calls: a missing file is just ENOENT) and parse them. */
export function loadAwsFiles(env: NodeJS.ProcessEnv, homedir: string, fs: FileSystemLike = nodeFileSystem): AwsFiles {
  const { configFile, credentialsFile } = configFilePaths(env, homedir);
  return parseAwsFiles(fs.readFile(configFile), configFile, fs.readFile(credentialsFile), credentialsFile);
}

