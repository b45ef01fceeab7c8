/** Quotes one word for a POSIX shell: 'it'\''s' (every login shell sshd may use accepts it). */
export function quoteShellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
