import { ExitCode } from '../outcome/exit-code.js';
import { UsageError } from '../usage-error.js';

/** Internal errors (bugs) exit with 70, EX_SOFTWARE of sysexits.h. */
export const INTERNAL_ERROR = 70;

/**
 * The one place that maps anything thrown out of a command to the line a user sees and the
 * exit code. Usage errors are one line, exit 2: the CLI checks what a user gives and throws
 * UsageError for each mistake. Anything else is a bug in lwt, a RangeError included (the
 * library throws one for arguments the CLI should never pass on): one line too, exit 70, with
 * the stack only when LWT_DEBUG is set.
 */
export function describeCliError(error: unknown): { message: string; code: number } {
  if (error instanceof UsageError) return { message: error.format(), code: ExitCode.usage };
  const text = error instanceof Error ? error.message : String(error);
  const stack = process.env.LWT_DEBUG && error instanceof Error ? `\n${error.stack}` : '';
  return { message: `internal error: ${text}${stack}`, code: INTERNAL_ERROR };
}
