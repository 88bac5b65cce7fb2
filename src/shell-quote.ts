/** POSIX sh quoting, for text a user pastes or a shell evaluates. Pure. */

/** Single quotes: nothing inside is special; a ' is closed, escaped and reopened. */
export function shQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** One shell word: bare when it holds only characters no shell treats specially, else quoted. */
export function shellWord(text: string): string {
  return /^[\w.@%+=:,/-]+$/.test(text) ? text : shQuote(text);
}
