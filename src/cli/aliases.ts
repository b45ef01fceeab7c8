/**
 * LWT's script names map onto lwt commands. `multiprocess MAX TIMEOUT` keeps its positional
 * form; anything else given to it is taken as `lwt run` options.
 */
export function translateAlias(alias: string | undefined, args: readonly string[]): string[] {
  switch (alias) {
    case undefined:
      return [...args];
    case 'multiprocess': {
      const [max, timeout, ...rest] = args;
      // Negative numbers too, so that `multiprocess 4 -1` is refused as a bad timeout rather
      // than read as a file named "-1".
      const isNumber = (s: string | undefined) => s !== undefined && /^-?\d+(\.\d+)?$/.test(s);
      if (isNumber(max) && isNumber(timeout)) {
        return ['run', '--jobs', max as string, '--timeout', timeout as string, ...rest];
      }
      if (isNumber(max))
        return ['run', '--jobs', max as string, ...(timeout ? [timeout] : []), ...rest];
      return ['run', ...args];
    }
    case 'put-all-diff':
      // LWT's put-all-diff DIR REMOTE: each host gets DIR/<host>/.
      return ['put', '--per-host', ...args];
    default:
      return [alias, ...args];
  }
}
