import { runLimited } from '../pool/limit.js';
import { runLocalCommand } from '../pool/local-process.js';
import type { Stopper } from '../pool/stop.js';
import type { CommandLine } from './command-lines.js';
import type { CommandResult, RunReporter, RunSummary } from './events.js';

export interface RunCommandsOptions {
  /** At most this many commands at once. */
  readonly jobs: number;
  /** Per-command deadline in milliseconds; 0 for none. */
  readonly timeoutMs: number;
  /** Grace between TERM and KILL. */
  readonly killAfterMs: number;
  readonly stopper?: Stopper;
  readonly reporters?: readonly RunReporter[];
}

/**
 * The multiprocess job: runs a list of shell commands on this machine under a concurrency
 * limit and deadlines, each in its own session. Resolves with one result per started command
 * in the order they ended. Commands not started because of a stop are not reported.
 */
export async function runCommands(
  commands: Iterable<CommandLine> | AsyncIterable<CommandLine>,
  options: RunCommandsOptions,
): Promise<RunSummary> {
  if (!Number.isInteger(options.jobs) || options.jobs < 1) {
    throw new RangeError(`jobs must be a whole number >= 1, got ${options.jobs}`);
  }
  if (!(options.timeoutMs >= 0)) throw new RangeError(`timeout must be >= 0`);
  const reporters = options.reporters ?? [];
  const started = performance.now();
  const results: CommandResult[] = [];
  await runLimited(
    commands,
    options.jobs,
    async (command) => {
      for (const r of reporters) r.onCommandStart?.(command);
      const result = await runLocalCommand(command.command, {
        timeoutMs: options.timeoutMs,
        killAfterMs: options.killAfterMs,
        signal: options.stopper?.signal,
        forceSignal: options.stopper?.forceSignal,
      });
      const full: CommandResult = { ...command, ...result };
      results.push(full);
      for (const r of reporters) r.onCommandEnd?.(full);
    },
    options.stopper?.signal,
  );
  const summary: RunSummary = {
    results,
    durationMs: performance.now() - started,
    interrupted: options.stopper?.stopped ?? false,
  };
  for (const r of reporters) r.onRunEnd?.(summary);
  return summary;
}
