/**
 * What the AWS SDK for Go v2 (internal/ini 1.8.x, the version in Terraform 1.11) reads from one
 * line of a shared config file, written from its documented and observed behaviour for the
 * tests (Go is not installed here; test/e2e checks the same cases through real Terraform):
 * - the file is split at "\n" only;
 * - a header line: everything from the first '#' or ';' is cut, then trailing spaces/tabs;
 *   it must then start with '[' and end with ']'; the inside is trimmed and split at its first
 *   run of spaces/tabs into a type and a name ("profile x" → "profile x", "a  b" → "a b");
 * - a property line (not indented): cut at the first '#' or ';', trailing spaces/tabs removed,
 *   split at the first '=' (or at ':' when it comes first), key and value trimmed; then
 *   legacyStrconv: one pair of matching quotes around the whole value (longer than 2) is
 *   removed, and \" \' \n become ", ' and a newline.
 */

const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

function goTrimSpace(s: string): string {
  return s.replace(GO_SPACE, '');
}

function trimComment(line: string): string {
  const hash = line.indexOf('#');
  const cut = hash < 0 ? line : line.slice(0, hash);
  const semi = cut.indexOf(';');
  return semi < 0 ? cut : cut.slice(0, semi);
}

function trimRightSpaceTab(s: string): string {
  return s.replace(/[ \t]+$/, '');
}

/** The key and value Go reads from a property line, or undefined when it is not one. */
export function goProperty(line: string): { key: string; value: string } | undefined {
  if (line === '' || line[0] === ' ' || line[0] === '\t') return undefined;
  const trimmed = trimRightSpaceTab(trimComment(line));
  const equals = trimmed.indexOf('=');
  const colon = trimmed.indexOf(':');
  const sep = equals < 0 || (colon >= 0 && colon < equals) ? ':' : '=';
  const at = trimmed.indexOf(sep);
  if (at < 0) return undefined;
  return { key: goTrimSpace(trimmed.slice(0, at)).toLowerCase(), value: legacyStrconv(goTrimSpace(trimmed.slice(at + 1))) };
}

function legacyStrconv(s: string): string {
  let v = s;
  if (v.length > 2 && ((v[0] === "'" && v[v.length - 1] === "'") || (v[0] === '"' && v[v.length - 1] === '"'))) {
    v = v.slice(1, -1);
  }
  return v.replaceAll('\\"', '"').replaceAll("\\'", "'").replaceAll('\\n', '\n');
}

/** The section name Go keys a header line by, or undefined when the line is not a header. */
export function goHeader(line: string): string | undefined {
  const trimmed = trimRightSpaceTab(trimComment(line));
  if (!trimmed.startsWith('[') || !trimmed.endsWith(']')) return undefined;
  const inside = goTrimSpace(trimmed.slice(1, -1));
  const firstSpace = inside.search(/[ \t]/);
  if (firstSpace < 0) return inside;
  const rest = inside.slice(firstSpace).replace(/^[ \t]+/, '');
  return `${inside.slice(0, firstSpace)} ${rest}`;
}
