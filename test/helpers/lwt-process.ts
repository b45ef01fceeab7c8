import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file so tests run from any directory. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The bins a user runs; they load the built dist/, which `npm test` builds first. */
export const bins = {
  lwt: join(repoRoot, 'bin', 'lwt'),
  multiprocess: join(repoRoot, 'bin', 'multiprocess'),
} as const;

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything written so far. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Settles when the process has exited and its pipes are closed. */
  readonly done: Promise<Finished>;
}

export interface StartOptions {
  readonly bin?: keyof typeof bins;
  /** Written to stdin, which is then closed; leave undefined to keep stdin open. */
  readonly input?: string;
  readonly cwd?: string;
  /** Added to the (LWT_*-free) environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** The hang check: past this the process is KILLed and `done` rejects. */
  readonly hangMs?: number;
}

function assertBuilt(): void {
  if (!existsSync(join(repoRoot, 'dist', 'cli-bundle', 'lwt.cjs'))) {
    throw new Error('dist/ is missing: run `npm run build` (or `npm test`, which builds first)');
  }
}

/** Environment for a spawned lwt: ours without LWT_* variables, which lwt reads as options. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LWT_')));
}

/** Starts `node bin/<bin> ...args` as a user would, collecting its output. */
export function startLwt(args: readonly string[], options: StartOptions = {}): Running {
  assertBuilt();
  const child = spawn(process.execPath, [bins[options.bin ?? 'lwt'], ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...cleanEnv(), ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  if (options.input !== undefined) child.stdin.end(options.input);
  const hangMs = options.hangMs ?? 20_000;
  const done = new Promise<Finished>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lwt ${args.join(' ')} still running after ${hangMs} ms`));
    }, hangMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs lwt to its end. */
export function runLwt(args: readonly string[], options: StartOptions = {}): Promise<Finished> {
  return startLwt(args, options).done;
}

/**
 * runLwt and startLwt with an empty stdin unless the test gives one: lwt sends a piped stdin
 * to every host, so it waits for its end.
 */
export const runLwtNoInput = (args: readonly string[], options: StartOptions = {}) =>
  runLwt(args, { input: '', ...options });
export const startLwtNoInput = (args: readonly string[], options: StartOptions = {}) =>
  startLwt(args, { input: '', ...options });

/** The summary's wall time varies from run to run; this makes a summary comparable. */
export function normalizeSummary(stderr: string): string {
  return stderr.replace(/ in \d+\.\ds/g, ' in Xs');
}
