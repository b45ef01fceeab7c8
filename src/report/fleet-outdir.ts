import { closeSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { localReason } from '../files/local-error.js';
import type { FleetReporter, OutputStream } from '../fleet/events.js';
import { hostResultToJson } from './fleet-json.js';

/**
 * `-o/--outdir DIR` (pssh -o/-e): DIR/<host>.out and DIR/<host>.err get each host's output as
 * it arrives, so any size works and `tail -f` shows it live; DIR/<host>.status (the result as
 * JSON, without the output, with its size in bytes) is written under a temporary name and
 * renamed when the host ends, so it is there, whole, exactly when the host is done. DIR must
 * exist (lwt exec makes it).
 * A file that cannot be written (a full disk) throws an error naming it, once: the fan-out
 * makes it that host's outcome, and the host's further output is dropped.
 */
export function fleetOutdir(dir: string): FleetReporter {
  const open = new Map<string, HostFiles>();
  return {
    onHostStart(host) {
      const files = new HostFiles(join(dir, host.name));
      open.set(host.name, files);
      files.start();
    },
    onData(host, stream, chunk) {
      open.get(host.name)?.write(stream, chunk);
    },
    onHostEnd(result) {
      const files = open.get(result.name);
      open.delete(result.name);
      files?.close();
      // Without the text, and without whether the text was cut: the files hold all of it.
      const {
        stdout: _o,
        stderr: _e,
        stdoutTruncated: _ot,
        stderrTruncated: _et,
        ...status
      } = hostResultToJson(result);
      const path = join(dir, `${result.name}.status`);
      const temp = `${path}.tmp-${process.pid}`;
      attempt(path, () => {
        writeFileSync(temp, JSON.stringify(status) + '\n');
        renameSync(temp, path);
      });
    },
  };
}

/** One host's .out and .err, written as output arrives. */
class HostFiles {
  readonly #fds: Partial<Record<OutputStream, number>> = {};
  #failed = false;

  constructor(private readonly base: string) {}

  start(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const path = this.#path(stream);
      this.#guard(path, () => (this.#fds[stream] = openSync(path, 'w')));
    }
  }

  write(stream: OutputStream, chunk: Buffer): void {
    const fd = this.#fds[stream];
    if (fd === undefined) return;
    this.#guard(this.#path(stream), () => {
      for (let done = 0; done < chunk.length;)
        done += writeSync(fd, chunk, done, chunk.length - done);
    });
  }

  close(): void {
    for (const fd of Object.values(this.#fds)) closeSync(fd);
  }

  #path(stream: OutputStream): string {
    return `${this.base}.${stream === 'stdout' ? 'out' : 'err'}`;
  }

  /** Runs a file operation; the first failure throws, later ones are skipped. */
  #guard(path: string, operation: () => void): void {
    if (this.#failed) return;
    try {
      operation();
    } catch (error) {
      this.#failed = true;
      throw new Error(`${path}: ${localReason(error)}`);
    }
  }
}

function attempt(path: string, operation: () => void): void {
  try {
    operation();
  } catch (error) {
    throw new Error(`${path}: ${localReason(error)}`);
  }
}
