/**
 * Python's shlex.split(s) (POSIX mode, no comments): words separated by space, tab, CR or LF;
 * single quotes literal; double quotes with backslash escaping only '"' and '\'; a backslash
 * outside quotes escapes any character. Returns undefined where Python raises ValueError
 * (unclosed quote, trailing backslash).
 */
export function shlexSplit(s: string): string[] | undefined {
  // Most input ([profile name] headers) has no quote or backslash: whitespace alone separates words.
  if (!/['"\\]/.test(s)) return s.split(/[ \t\r\n]+/).filter((word) => word !== '');
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
