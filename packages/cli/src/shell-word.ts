/**
 * Quotes a word for a POSIX shell when it needs it: a command the CLI or the studio's page
 * suggests, with a thread id read from the run database in it, runs nothing the id holds when
 * it is pasted (`pay $(touch pwned)` is written `'pay $(touch pwned)'`). Kept free of Node's
 * modules, so the page can use it too.
 *
 * @example
 * ```ts
 * shellWord('T-101'); // 'T-101'
 * shellWord("it's"); // `'it'\''s'`
 * ```
 */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
