import { spawn } from 'node:child_process';
import { Duplex, type Readable, type Writable } from 'node:stream';

export interface ProxyCommandOptions {
  /** Goes before each line the command writes on stderr: the host it reaches. */
  readonly label: string;
  /** Where those lines go (the CLI prints them as `lwt: <label>: ProxyCommand: <line>`). */
  readonly onNote?: (message: string) => void;
  /** Between TERM and KILL when it is stopped; 1 s by default. */
  readonly killAfterMs?: number;
}

/** A running ProxyCommand: its standard input and output carry the SSH connection. */
export interface ProxyCommand {
  /** The command's stdout and stdin as one stream, for ssh2's `sock`. */
  readonly socket: Duplex;
  /**
   * After a failed handshake: why, if the command is to blame (it did not start, ended, or wrote
   * something that is not SSH), in one line; undefined when the failure lies beyond it (it
   * spoke SSH and runs on). `fallback` is the SSH library's own message.
   */
  blame(fallback: string): Promise<string | undefined>;
  /** TERM its process group, KILL what is left after the grace; settles once it is reaped. */
  stop(): Promise<void>;
  /** Settles once the command has ended and been reaped. */
  readonly ended: Promise<void>;
}

/**
 * How long a failed handshake waits for an ending command to end and say why. Paid only when
 * its pipes already broke, so it normally takes a few ms; the bound is for a loaded machine.
 */
const BLAME_WAIT_MS = 2_000;
/** Lines of its stderr shown at most, and their length: it may print without end. */
const MAX_NOTES = 100;
const MAX_NOTE_LENGTH = 1000;
/** How much of its first output is kept to tell SSH from something else. */
const HEAD_BYTES = 4096;

/**
 * Starts `command` as OpenSSH does (sshconnect.c, ssh_proxy_connect): `exec` in front, run by
 * the user's shell ($SHELL, else /bin/sh). Unlike ssh it goes in a session and process group
 * of its own, so that lwt can stop it whole, and Ctrl-C at the terminal reaches lwt alone,
 * which then stops it. It is stopped when its connection closes, or a grace after lwt ended
 * its input; at the latest when lwt exits.
 */
export function startProxyCommand(command: string, options: ProxyCommandOptions): ProxyCommand {
  return new RunningProxyCommand(command, options);
}

class RunningProxyCommand implements ProxyCommand {
  readonly socket: Duplex;
  readonly ended: Promise<void>;
  readonly #pid: number | undefined;
  readonly #shell: string;
  readonly #killAfterMs: number;
  readonly #stderr: StderrLines;
  readonly #output: Readable;
  /** How it ended ("exit status 3", "killed by SIGSEGV"); undefined while it runs. */
  #status: string | undefined;
  #failedStatus = false;
  #startError: Error | undefined;
  #head = Buffer.alloc(0);
  #spokeSsh = false;
  /** Its output ended or a pipe broke: it is ending, or has stopped carrying the connection. */
  #broken = false;
  #closed: Promise<void>;
  #stopping: Promise<void> | undefined;
  #inputEndedTimer: NodeJS.Timeout | undefined;

  constructor(command: string, options: ProxyCommandOptions) {
    this.#shell = process.env.SHELL || '/bin/sh';
    this.#killAfterMs = options.killAfterMs ?? 1_000;
    const child = spawn(this.#shell, ['-c', `exec ${command}`], {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#pid = child.pid;
    this.#stderr = new StderrLines(options.label, options.onNote);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => this.#stderr.push(text));
    child.stderr.on('end', () => this.#stderr.end());
    child.stderr.on('error', () => undefined);
    this.#output = child.stdout;
    this.socket = new ChildStdio(child.stdout, child.stdin, {
      watch: (chunk) => this.#watch(chunk),
      broken: () => (this.#broken = true),
    });
    // 'error' means the shell could not be started (or signalled); no 'exit' may follow.
    const failed = new Promise<void>((resolve) =>
      child.once('error', (error) => {
        this.#startError ??= error;
        this.socket.destroy(error);
        resolve();
      }),
    );
    this.ended = Promise.race([
      failed,
      new Promise<void>((resolve) =>
        child.once('exit', (code, signal) => {
          this.#status = code !== null ? `exit status ${code}` : `killed by ${signal}`;
          this.#failedStatus = code !== 0;
          resolve();
        }),
      ),
    ]);
    this.#closed = Promise.race([failed, new Promise<void>((r) => child.once('close', r))]);
    if (this.#pid !== undefined) liveGroups.add(this.#pid);
    stopAllAtExit();
    this.socket.once('close', () => void this.stop());
    // lwt ended the connection: a proxy ends at EOF by itself, one that does not is stopped.
    this.socket.once('finish', () => {
      this.#inputEndedTimer = setTimeout(() => void this.stop(), this.#killAfterMs);
    });
  }

  async blame(fallback: string): Promise<string | undefined> {
    const running = !this.#broken && this.#status === undefined && !this.#startError;
    // It spoke SSH and carries on: the failure lies beyond it (auth, host key, the far end).
    if (running && this.#spokeSsh) return undefined;
    // It runs on and printed something else: that says enough, without waiting for its end.
    if (!running || this.#head.length === 0) {
      await Promise.race([this.#closed, delay(BLAME_WAIT_MS)]);
    }
    if (this.#startError) {
      return `ProxyCommand failed: could not start ${this.#shell}: ${this.#startError.message}`;
    }
    const status = this.#status === undefined ? '' : ` (${this.#status})`;
    const said = this.#stderr.first;
    if (this.#spokeSsh) {
      if (!this.#failedStatus) return undefined;
      return `ProxyCommand failed${status}: ${said ?? 'it ended during the SSH handshake'}`;
    }
    const output = this.#head.length > 0 ? `its output is not SSH: "${firstLine(this.#head)}"` : '';
    const why =
      this.#status === undefined
        ? output || said || fallback
        : said || output || 'it ended before speaking SSH';
    return `ProxyCommand failed${status}: ${why}`;
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stopOnce();
    return this.#stopping;
  }

  async #stopOnce(): Promise<void> {
    clearTimeout(this.#inputEndedTimer);
    this.socket.destroy();
    const pid = this.#pid;
    if (pid === undefined) return;
    const deadline = performance.now() + this.#killAfterMs;
    signalGroup(pid, 'SIGTERM');
    await Promise.race([this.ended, delay(this.#killAfterMs)]);
    // The leader may be gone while others of its group, which got the same TERM, linger.
    if (groupAlive(pid)) {
      await delay(deadline - performance.now());
      if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
    }
    await this.ended;
    liveGroups.delete(pid);
    // A process that left the group may still hold the pipe; lwt no longer reads it.
    this.#output.destroy();
  }

  /** Keeps the start of its output until an SSH banner shows (a line starting "SSH-"). */
  #watch(chunk: Buffer): void {
    if (this.#spokeSsh || this.#head.length >= HEAD_BYTES) return;
    this.#head = Buffer.concat([this.#head, chunk.subarray(0, HEAD_BYTES - this.#head.length)]);
    this.#spokeSsh = /(^|\n)SSH-/.test(this.#head.toString('latin1'));
  }
}

/**
 * The child's stdout and stdin as one stream, as ssh2 wants its `sock`, with `watch` seeing each
 * chunk read and `broken` told when the output ends or a pipe fails. Node's Duplex.from would do
 * the joining, but it emits an AbortError on a plain destroy(), which ssh2 would pass on as a
 * connection error. Half-open is off, as on a TCP
 * socket: when the command's output ends, so does its input. Once destroyed (a broken pipe
 * among the reasons) its output is still read, for `watch` alone, until the command ends: what
 * it wrote tells why it failed.
 */
class ChildStdio extends Duplex {
  #open = true;

  constructor(
    private readonly output: Readable,
    private readonly input: Writable,
    private readonly observe: { watch: (chunk: Buffer) => void; broken: () => void },
  ) {
    super({ allowHalfOpen: false });
    output.on('data', (chunk: Buffer) => {
      observe.watch(chunk);
      if (this.#open && !this.push(chunk)) output.pause();
    });
    output.on('end', () => {
      observe.broken();
      this.push(null);
    });
    const fail = (error: Error) => {
      observe.broken();
      this.destroy(error);
    };
    output.on('error', fail);
    input.on('error', fail);
  }

  override _read(): void {
    this.output.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (e?: Error | null) => void) {
    // A failed write reaches ssh2 through `done`, before the pipe's own 'error'.
    this.input.write(chunk, (error) => {
      if (error) this.observe.broken();
      done(error);
    });
  }

  override _final(done: (error?: Error | null) => void): void {
    this.input.end(done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.#open = false;
    this.input.destroy();
    this.output.resume();
    done(error);
  }
}

/**
 * The command's stderr as notes, a line each, prefixed with the host. Never blocks the command
 * (it is always read) and holds at most one line: past MAX_NOTES lines the rest is read and
 * dropped, and a line longer than MAX_NOTE_LENGTH is cut.
 */
class StderrLines {
  /** The first line that says something, for the failure's message. */
  first: string | undefined;
  #partial = '';
  #skipping = false;
  #count = 0;

  constructor(
    private readonly label: string,
    private readonly onNote: ((message: string) => void) | undefined,
  ) {}

  push(text: string): void {
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) {
      if (this.#skipping) this.#skipping = false;
      else this.#emit(line);
    }
    if (this.#partial.length > MAX_NOTE_LENGTH) {
      if (!this.#skipping) this.#emit(this.#partial);
      this.#partial = '';
      this.#skipping = true;
    }
  }

  end(): void {
    if (this.#partial !== '' && !this.#skipping) this.#emit(this.#partial);
    this.#partial = '';
  }

  #emit(raw: string): void {
    this.#count++;
    if (this.#count > MAX_NOTES + 1 && this.first !== undefined) return;
    const text = raw.replace(/\r$/, '');
    const line = printable(
      text.length > MAX_NOTE_LENGTH ? `${text.slice(0, MAX_NOTE_LENGTH)} ...` : text,
    );
    if (this.first === undefined && line.trim() !== '') this.first = line.trim();
    if (this.#count <= MAX_NOTES) this.onNote?.(`${this.label}: ProxyCommand: ${line}`);
    else if (this.#count === MAX_NOTES + 1) {
      this.onNote?.(`${this.label}: ProxyCommand: (more lines on its stderr, not shown)`);
    }
  }
}

/** Control characters but tab (a terminal's escapes among them) shown as '?'. */
function printable(text: string): string {
  let shown = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    shown += code === 9 || (code >= 0x20 && code < 0x7f) || code >= 0xa0 ? c : '?';
  }
  return shown;
}

/** The first line of what the command wrote, to show in a message. */
function firstLine(head: Buffer): string {
  const line = head.toString('latin1').split('\n')[0] ?? '';
  const shown = printable(line.replace(/\r$/, ''));
  return shown.length > 80 ? `${shown.slice(0, 80)}...` : shown;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** Whether any process of the group lives on (signal 0 only asks). */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Groups of ProxyCommands not yet stopped, for the exit hook. */
const liveGroups = new Set<number>();
let exitHooked = false;

/**
 * The last stop: when lwt exits (process.exit after the summary, a library's caller ending)
 * with connections still open, KILL what is left, since no grace can be waited for in 'exit'.
 * The orphans are then reaped by init. A proxy that got EOF is usually gone by then.
 */
function stopAllAtExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
  });
}
