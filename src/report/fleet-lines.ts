import type { FleetReporter } from '../fleet/events.js';
import type { LiveLine } from './live-line.js';
import type { OutputStreams } from './text.js';

/**
 * The default output of `lwt exec`: each line as it arrives, prefixed with its host, stderr
 * lines on stderr (pssh -i / pdsh style). Lines come whole from the fleet layer, so two hosts
 * never share a line.
 */
export function fleetLines(streams: OutputStreams, live?: LiveLine): FleetReporter {
  return {
    onOutput(host, stream, line) {
      live?.clear();
      (stream === 'stdout' ? streams.stdout : streams.stderr).write(`${host.name}: ${line}\n`);
      live?.restore();
    },
    onNote(message) {
      live?.clear();
      streams.stderr.write(`lwt: ${message}\n`);
      live?.restore();
    },
  };
}
