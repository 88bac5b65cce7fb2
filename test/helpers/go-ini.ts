/**
 * The value the AWS SDK for Go v2 reads from one property line of a shared config file, for
 * the strictest of its readers since the 2023 rewrite (Go is not installed here; the research
 * notes record what real Terraform 1.11 does with the same lines):
 * - internal/ini 1.7.x cut the line at the first '#' or ';' anywhere, and rewrote \" \' \n
 *   into ", ' and a newline (1.8.x, in Terraform 1.11, cuts only at whitespace + '#'/';' and
 *   rewrites nothing);
 * - all of them split at the first '=' (or at ':' when it comes first), trim key and value,
 *   and remove one pair of matching quotes around a whole value longer than 2.
 * A value that survives this survives every one of them.
 */

const GO_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

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
