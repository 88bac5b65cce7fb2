/**
 * Which files the AWS CLI reads, and the profiles it finds in them.
 *
 * Mirrors botocore.session.Session().full_config['profiles']:
 * - the config file goes through configloader.load_config: "[default]" is the profile "default";
 *   a section whose name starts with "profile" is split like shlex.split() and names a profile
 *   only when that gives exactly two words ("[profile "my name"]" -> "my name",
 *   "[profile a b]" and "[profile]" -> nothing, "[profileX y]" -> "y"); every other section
 *   (services, plugins, ...) is not a profile. A section whose name starts with "sso-session" is
 *   split the same way and names an sso-session when that gives two words ("[sso-session corp]"
 *   -> "corp"): AwsFiles.ssoSessions, config file only, a later one replacing an earlier one. Two sections naming the same profile
 *   ("[default]" and "[profile default]") do not merge: the later one replaces the earlier.
 * - then every section of the credentials file, its name used as is ("[profile x]" there is the
 *   profile "profile x"), adds a profile or overrides the config file's keys one by one.
 * Values are strings. Where botocore returns a dict for a nested block ("s3 =" followed by
 * indented lines), the profile holds the raw block (starting with "\n"); parseNestedValue in
 * ini.ts splits it the way botocore does.
 *
 * Where the files are: paths.ts; how they are read: read-file.ts; how a file parses: ini.ts.
 */
import { parseIni } from './ini.ts';
import { ConfigError } from '../errors.ts';
import { configFilePaths, VIEW_FILE_FIRST_WORDS, VIEW_MARKERS } from './paths.ts';
import { nodeFileSystem, type FileSystemLike, type FileText } from './read-file.ts';
import { shlexSplit } from './shlex.ts';
import type { AwsFiles, Profile, SsoSession } from './types.ts';

/** Profiles from the two files' texts (undefined = file missing). Pure; throws ConfigError. */
export function parseAwsFiles(
  configText: string | undefined,
  configFile: string,
  credentialsText: string | undefined,
  credentialsFile: string,
): AwsFiles {
  refuseView(configText, configFile, 'AWS_CONFIG_FILE');
  refuseView(credentialsText, credentialsFile, 'AWS_SHARED_CREDENTIALS_FILE');
  const profiles = new Map<string, { values: Record<string, string>; origin: Record<string, string> }>();
  const ssoSessions = new Map<string, SsoSession>();
  if (configText !== undefined) {
    for (const [section, values] of parseIni(configText, configFile)) {
      const name = profileName(section);
      if (name !== undefined) profiles.set(name, fromSection(values, configFile));
      const session = name === undefined ? ssoSessionName(section) : undefined;
      if (session !== undefined)
        ssoSessions.set(session, { name: session, values: fromSection(values, configFile).values, file: configFile });
    }
  }
  if (credentialsText !== undefined) {
    for (const [section, values] of parseIni(credentialsText, credentialsFile, { secretFile: true })) {
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
  const missing = [...(configText === undefined ? [configFile] : []), ...(credentialsText === undefined ? [credentialsFile] : [])];
  return {
    configFile,
    credentialsFile,
    profiles: result,
    ssoSessions,
    missing,
    texts: { config: configText, credentials: credentialsText },
  };
}

/**
 * A file of mfa-exec's view is never read as the user's own: each of its profiles runs mfa-exec,
 * which would read it again (a loop). paths.ts maps the view back to the user's files through
 * the markers; this catches a view reached without them (copied, or the markers removed).
 */
function refuseView(text: string | undefined, file: string, variable: string): void {
  if (text === undefined || !text.startsWith(VIEW_FILE_FIRST_WORDS)) return;
  throw new ConfigError(
    `${file} is a file mfa-exec wrote for a command it ran (its view of your AWS files), not your own file. ` +
      `${variable} points at it without ${VIEW_MARKERS.dir} and ${VIEW_MARKERS.config} / ${VIEW_MARKERS.credentials}, ` +
      `which name your own files; point ${variable} at your own file (or unset it).`,
  );
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

/** The sso-session a config-file section defines, like botocore's build_profile_map ("sso-session corp" -> "corp"). */
export function ssoSessionName(section: string): string | undefined {
  if (!section.startsWith('sso-session')) return undefined;
  const words = shlexSplit(section);
  return words !== undefined && words.length === 2 ? words[1] : undefined;
}

/**
 * Read both files synchronously (no stat calls: a missing file is just ENOENT; a regular file's
 * identity comes from the open file) and parse them.
 */
export function loadAwsFiles(env: NodeJS.ProcessEnv, homedir: string, cwd: string, fs: FileSystemLike = nodeFileSystem): AwsFiles {
  const { configFile, credentialsFile } = configFilePaths(env, homedir, cwd);
  const read = (file: string): FileText | undefined => {
    if (fs.readFileWithIdentity) return fs.readFileWithIdentity(file);
    const text = fs.readFile(file);
    return text === undefined ? undefined : { text };
  };
  const config = read(configFile);
  const credentials = read(credentialsFile);
  return {
    ...parseAwsFiles(config?.text, configFile, credentials?.text, credentialsFile),
    identities: { config: config?.identity, credentials: credentials?.identity },
  };
}
