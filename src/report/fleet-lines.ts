import type { FleetReporter, HostRef } from '../fleet/events.js';
import type { LiveLine } from './live-line.js';
import type { OutputStreams } from './text.js';

/**
 * The default output of `lwt exec`: each line as it arrives, prefixed with its host, stderr
 * lines on stderr (pssh -i / pdsh style). Lines come whole from the fleet layer (a line too
 * long to hold comes in pieces, each prefixed), so two hosts never share a line; a run of
 * lines that arrived together is written with one write, not one a line.
 */
export function fleetLines(streams: OutputStreams, live?: LiveLine): FleetReporter {
  const prefixes = new Map<string, string>();
  return {
    onLines(host, stream, lines) {
      let prefix = prefixes.get(host.name);
      if (prefix === undefined) prefixes.set(host.name, (prefix = prefixOf(host)));
      live?.clear();
      const out = stream === 'stdout' ? streams.stdout : streams.stderr;
      const room = out.write(prefixEach(lines, prefix));
      live?.restore();
      // A pipe whose reader is slower than the hosts (a pager, a busy grep): the host waits,
      // rather than lwt holding what it sent.
      return room ? undefined : drained(out);
    },
    onNote(message) {
      live?.clear();
      streams.stderr.write(`lwt: ${message}\n`);
      live?.restore();
    },
  };
}

/** When `out` has room again: drained, or closed or failed (then there is nothing to wait for). */
function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.removeListener('drain', done);
      out.removeListener('close', done);
      out.removeListener('error', done);
      resolve();
    };
    out.once('drain', done);
    out.once('close', done);
    out.once('error', done);
  });
}

/**
 * "host: " as a latin1 string of its UTF-8 bytes: output is handled as latin1 so that every
 * byte a host printed goes out as it came, whatever its encoding, with no decoding.
 */
function prefixOf(host: HostRef): string {
  return Buffer.from(`${host.name}: `, 'utf8').toString('latin1');
}

/** `lines` (each ending with a newline) with `prefix` before each line. */
export function prefixEach(lines: Buffer, prefix: string): Buffer {
  const text = lines.toString('latin1');
  const prefixed = prefix + text.slice(0, -1).replaceAll('\n', `\n${prefix}`) + '\n';
  return Buffer.from(prefixed, 'latin1');
}
