import type { Outcome } from '../outcome/outcome.js';
import { defaultLauncher } from './default-launcher.js';
import type { Launcher } from './launch.js';
import { signalTree } from './process-tree.js';

export interface LocalRunOptions {
  /** Milliseconds before the whole tree is stopped; 0 or undefined for none. */
  readonly timeoutMs?: number;
  /** Milliseconds between TERM and KILL when stopping. */
  readonly killAfterMs: number;
  /** Graceful stop: TERM the tree, KILL after `killAfterMs`. */
  readonly signal?: AbortSignal;
  /** Immediate stop: KILL the tree now. */
  readonly forceSignal?: AbortSignal;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** How to start it; by default lwt-spawner where it was built, else Node (defaultLauncher). */
  readonly launcher?: Launcher;
}

export interface LocalRunResult {
  readonly outcome: Outcome;
  readonly stdout: string;
  readonly stderr: string;
  readonly startedAt: Date;
  readonly durationMs: number;
}

/** After KILL, how long to wait for the pipes to close before giving up on them. */
const PIPE_GRACE_MS = 500;

/**
 * Runs `command` with /bin/sh -c in a session and process group of its own, collecting its
 * output, and stops the whole tree (not just the shell) on timeout or stop. Always resolves
 * with exactly one outcome; never rejects for anything the command does.
 */
export function runLocalCommand(
  command: string,
  options: LocalRunOptions,
): Promise<LocalRunResult> {
  const startedAt = new Date();
  const started = performance.now();
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const launch = options.launcher ?? defaultLauncher();
    const child = launch(
      command,
      { cwd: options.cwd, env: options.env },
      {
        stdout: (chunk) => stdout.push(chunk),
        stderr: (chunk) => stderr.push(chunk),
        close: (outcome) => finish(outcome),
      },
    );

    let forced: Outcome | undefined; // Set when we decided how it ended (timeout, canceled).
    let killTimer: NodeJS.Timeout | undefined;
    let pipeTimer: NodeJS.Timeout | undefined;
    let settled = false;

    // Signals the tree once its pid is known (at once with Node's spawn, an event later with
    // the spawner), unless it has ended by then.
    const signalChild = (signal: NodeJS.Signals): void => {
      void child.pid.then((pid) => {
        if (pid !== undefined && !settled) return signalTree(pid, signal);
      });
    };
    const stopTree = (outcome: Outcome, immediate: boolean): void => {
      forced ??= outcome;
      if (settled) return;
      if (immediate) {
        signalChild('SIGKILL');
        armPipeGrace();
        return;
      }
      signalChild('SIGTERM');
      killTimer ??= setTimeout(() => {
        signalChild('SIGKILL');
        armPipeGrace();
      }, options.killAfterMs);
    };
    // A process that escaped the session can hold our pipes open forever; after KILL we stop
    // waiting for them so that one stray process never hangs the run.
    const armPipeGrace = (): void => {
      pipeTimer ??= setTimeout(() => child.dropPipes(), PIPE_GRACE_MS);
    };

    const timeoutTimer =
      options.timeoutMs && options.timeoutMs > 0
        ? setTimeout(
            () =>
              stopTree({ kind: 'timeout', phase: 'run', afterMs: options.timeoutMs ?? 0 }, false),
            options.timeoutMs,
          )
        : undefined;
    const onStop = (): void => stopTree({ kind: 'canceled' }, false);
    const onForce = (): void => stopTree({ kind: 'canceled' }, true);
    options.signal?.addEventListener('abort', onStop);
    options.forceSignal?.addEventListener('abort', onForce);
    if (options.forceSignal?.aborted) onForce();
    else if (options.signal?.aborted) onStop();

    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      clearTimeout(pipeTimer);
      options.signal?.removeEventListener('abort', onStop);
      options.forceSignal?.removeEventListener('abort', onForce);
      resolve({
        outcome: forced ?? outcome,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        startedAt,
        durationMs: performance.now() - started,
      });
    };
  });
}
