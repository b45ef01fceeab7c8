import { quoteShellWord } from '../transport/shell-quote.js';

/**
 * LWT's deploy.pl: make each host's home folder. Idempotent: an existing folder is reported
 * and left alone. Prints `created PATH` or `exists PATH` (absolute); mkdir's own error otherwise.
 */
const DEPLOY = `
d=\${1:-$HOME}
if [ -d "$d" ]; then echo "exists $(cd "$d" && pwd)"; exit 0; fi
mkdir -p -- "$d" && echo "created $(cd "$d" && pwd)"
`.trim();

/** The command that creates `home` ('' or none: the login's home, which only gets reported). */
export function buildDeployCommand(home: string | undefined): string {
  return `sh -c ${quoteShellWord(DEPLOY)} lwt-deploy ${quoteShellWord(home ?? '')}`;
}

/** What deploy did on one host, read from its output. */
export function parseDeployOutput(stdout: string): { created: boolean; path: string } | undefined {
  const match = /^(created|exists) (.+)$/m.exec(stdout);
  if (!match) return undefined;
  return { created: match[1] === 'created', path: match[2] as string };
}
