import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { decodeWaitStatus } from '../outcome/decode.js';
import type { Outcome } from '../outcome/outcome.js';
import {
  type LaunchCallbacks,
  type Launched,
  type Launcher,
  type LaunchOptions,
  startFailure,
} from './launch.js';

interface Job {
  readonly callbacks: LaunchCallbacks;
  readonly resolvePid: (pid: number | undefined) => void;
  /** Starts the command with the fallback launcher instead (the spawner could not run). */
  readonly relaunch: (fallback: Launcher) => void;
  /** The fallback's own handle, once the job went there. */
  moved?: Launched;
  status?: number;
  pipesClosed: boolean;
}

type SpawnerProcess = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * The client of lwt-spawner (spawner.c, which describes the protocol), the small process that
 * starts commands so that lwt's own large process never forks: one per Spawner, started on
 * first use, kept out of the event loop's count while no command runs so that it never keeps
 * lwt alive, and restarted if it dies. Commands it had running when it died end with an error
 * outcome.
 *
 * Given a fallback, a spawner that cannot run at all (a file of another architecture, or not
 * an executable: exec fails, or the shell that execvp falls back to gives up on it) hands its
 * commands to the fallback, and every later one: none of them had started.
 */
export class Spawner {
  readonly #path: string;
  readonly #fallback: Launcher | undefined;
  #unusable = false;
  #process: SpawnerProcess | undefined;
  #jobs = new Map<number, Job>();
  #nextId = 0;
  #pending: Buffer[] = [];
  #stderr = '';

  /** `path`: the lwt-spawner executable; `fallback`: what starts commands if it cannot run. */
  constructor(path: string, fallback?: Launcher) {
    this.#path = path;
    this.#fallback = fallback;
  }

  launch(command: string, options: LaunchOptions, callbacks: LaunchCallbacks): Launched {
    if (this.#unusable && this.#fallback) return this.#fallback(command, options, callbacks);
    const proc = this.#process ?? this.#start();
    const id = this.#nextId++;
    let resolvePid: (pid: number | undefined) => void = () => undefined;
    const pid = new Promise<number | undefined>((resolve) => (resolvePid = resolve));
    if (this.#jobs.size === 0) this.#ref(proc, true);
    const job: Job = {
      callbacks,
      resolvePid,
      pipesClosed: false,
      relaunch: (fallback) => {
        job.moved = fallback(command, options, callbacks);
        void job.moved.pid.then(resolvePid);
      },
    };
    this.#jobs.set(id, job);
    const cwd = Buffer.from(options.cwd ?? '');
    const env = options.env === undefined ? undefined : encodeEnv(options.env);
    const cmd = Buffer.from(command);
    proc.stdin.write(
      Buffer.concat([
        Buffer.from(`S ${id} ${cwd.length} ${env?.length ?? '-'} ${cmd.length}\n`),
        cwd,
        env ?? Buffer.alloc(0),
        cmd,
      ]),
    );
    return {
      pid,
      dropPipes: () => {
        if (job.moved) job.moved.dropPipes();
        else if (this.#jobs.has(id)) proc.stdin.write(`D ${id}\n`);
      },
    };
  }

  /**
   * Lets an idle spawner exit and waits for it, so that lwt ends with no child left and its
   * CPU (and its commands') is counted in lwt's own. Does nothing while commands run; a later
   * launch starts a new one.
   */
  async close(): Promise<void> {
    const proc = this.#process;
    if (!proc || this.#jobs.size > 0) return;
    this.#process = undefined;
    const exited = new Promise((resolve) => proc.once('close', resolve));
    this.#ref(proc, true); // Idle, it was left out of the event loop's count: wait for it.
    proc.stdin.end();
    await exited;
  }

  #start(): SpawnerProcess {
    const proc = spawn(this.#path, [], {
      // A session of its own: Ctrl-C at the terminal is lwt's to handle, not the spawner's.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#process = proc;
    this.#stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => this.#receive(chunk));
    proc.stderr.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-2000);
    });
    // A write after it died fails with EPIPE; the exit handler below reports it.
    proc.stdin.on('error', () => undefined);
    let spoke = false;
    proc.stdout.once('data', () => (spoke = true));
    const gone = (why: string, couldNotRun: boolean): void => {
      if (this.#process !== proc) return;
      this.#process = undefined;
      const jobs = [...this.#jobs.values()];
      this.#jobs.clear();
      this.#pending = [];
      // It never ran: no command of these started, so they can all start elsewhere.
      if (couldNotRun && !spoke && this.#fallback) {
        this.#unusable = true;
        for (const job of jobs) job.relaunch(this.#fallback);
        return;
      }
      const message = `lwt's spawner (${this.#path}) ${why}${this.#stderr ? `: ${this.#stderr.trim()}` : ''}`;
      for (const job of jobs) {
        job.resolvePid(undefined);
        job.callbacks.close({ kind: 'error', message });
      }
    };
    proc.on('error', (error) =>
      gone(`could not run (${error.message}); LWT_SPAWNER=node starts commands from Node`, true),
    );
    // lwt-spawner itself exits 0 or 1; 126 and 127 are the shell's "cannot execute" and "not
    // found", which is what execvp's fallback to /bin/sh gives for a file exec refused.
    proc.on('close', (code, signal) =>
      gone(`ended (${signal ?? `exit ${code}`})`, code === 126 || code === 127),
    );
    return proc;
  }

  /** Counted by the event loop only while commands run. */
  #ref(proc: SpawnerProcess, on: boolean): void {
    // A child's pipes are net.Sockets, which Node types as plain streams.
    const pipes = [proc.stdin, proc.stdout, proc.stderr] as unknown as Socket[];
    for (const handle of [proc, ...pipes]) {
      if (on) handle.ref();
      else handle.unref();
    }
  }

  /** Parses the event stream: header lines, some followed by a payload. */
  #receive(chunk: Buffer): void {
    this.#pending.push(chunk);
    let buffer = this.#pending.length === 1 ? chunk : Buffer.concat(this.#pending);
    let at = 0;
    for (;;) {
      const eol = buffer.indexOf(10, at);
      if (eol < 0) break;
      const [kind = '', idText = '', arg = ''] = buffer.toString('latin1', at, eol).split(' ');
      const hasPayload = kind === 'O' || kind === 'E' || kind === 'F';
      const payloadEnd = hasPayload ? eol + 1 + Number(arg) : eol + 1;
      if (payloadEnd > buffer.length) break;
      this.#event(kind, Number(idText), arg, buffer.subarray(eol + 1, payloadEnd));
      at = payloadEnd;
    }
    buffer = buffer.subarray(at);
    this.#pending = buffer.length > 0 ? [buffer] : [];
  }

  #event(kind: string, id: number, arg: string, payload: Buffer): void {
    const job = this.#jobs.get(id);
    if (!job) return;
    switch (kind) {
      case 'P':
        job.resolvePid(Number(arg));
        return;
      case 'O':
        // A copy: the payload is a view into the whole chunk read, which would otherwise stay
        // in memory for as long as this output is kept.
        job.callbacks.stdout(Buffer.from(payload));
        return;
      case 'E':
        job.callbacks.stderr(Buffer.from(payload));
        return;
      case 'X':
        job.status = Number(arg);
        break;
      case 'C':
        job.pipesClosed = true;
        break;
      case 'F':
        job.resolvePid(undefined);
        job.callbacks.stderr(startFailure(payload.toString()));
        this.#end(id, job, { kind: 'exit', code: 127 });
        return;
      default:
        return;
    }
    if (job.status !== undefined && job.pipesClosed) {
      this.#end(id, job, decodeWaitStatus(job.status));
    }
  }

  #end(id: number, job: Job, outcome: Outcome): void {
    this.#jobs.delete(id);
    if (this.#jobs.size === 0 && this.#process) this.#ref(this.#process, false);
    job.callbacks.close(outcome);
  }
}

/** NAME=value pairs, NUL-separated, as lwt-spawner reads them; unset values are left out. */
function encodeEnv(env: NodeJS.ProcessEnv): Buffer {
  return Buffer.from(
    Object.entries(env)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => `${name}=${value}`)
      .join('\0'),
  );
}
