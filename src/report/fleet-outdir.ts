import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FleetReporter } from '../fleet/events.js';
import { hostResultToJson } from './fleet-json.js';

/**
 * `-o/--outdir DIR` (pssh -o/-e): DIR/<host>.out, DIR/<host>.err and DIR/<host>.status (the
 * result as JSON, without the output), each written under a temporary name and renamed, so a
 * reader never sees half a file.
 */
export function fleetOutdir(dir: string): FleetReporter {
  mkdirSync(dir, { recursive: true });
  const write = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(`${path}.tmp-${process.pid}`, content);
    renameSync(`${path}.tmp-${process.pid}`, path);
  };
  return {
    onHostEnd(result) {
      write(`${result.name}.out`, result.stdout);
      write(`${result.name}.err`, result.stderr);
      const { stdout: _o, stderr: _e, ...status } = hostResultToJson(result);
      write(`${result.name}.status`, JSON.stringify(status) + '\n');
    },
  };
}
