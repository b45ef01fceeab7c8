import type { LocalRunResult } from '../pool/local-process.js';
import type { CommandLine } from './command-lines.js';

/** One command's result: which command, and how it ended. */
export interface CommandResult extends LocalRunResult, CommandLine {}

/** Hooks a reporter may implement; every one is optional (ClusterShell's EventHandler shape). */
export interface RunReporter {
  onCommandStart?(command: CommandLine): void;
  onCommandEnd?(result: CommandResult): void;
  onRunEnd?(summary: RunSummary): void;
}

export interface RunSummary {
  readonly results: readonly CommandResult[];
  readonly durationMs: number;
  /** True when a stop was requested (Ctrl-C, SIGTERM) before the list was done. */
  readonly interrupted: boolean;
}
