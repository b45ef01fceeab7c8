import { type HostsState } from '../../index.js';
import { hostRecordToJson } from '../../report/hosts-json.js';
import { renderHostsTable } from '../../report/hosts-table.js';
import type { CliContext } from '../context.js';

/** A candidate to show: its name and its key in the state. */
export interface ShownHost {
  readonly name: string;
  readonly key: string;
}

/** The hosts table on stdout, or one JSON object a line with --json; in the order given. */
export function printHostRows(
  hosts: readonly ShownHost[],
  state: HostsState | undefined,
  options: { readonly json: boolean; readonly maxAgeMs: number },
  context: CliContext,
): void {
  const now = new Date();
  if (options.json) {
    for (const { name, key } of hosts) {
      const json = hostRecordToJson(name, key, state?.hosts[key], {
        now,
        maxAgeMs: options.maxAgeMs,
      });
      context.stdout.write(JSON.stringify(json) + '\n');
    }
    return;
  }
  const rows = hosts.map(({ name, key }) => {
    const stored = state?.hosts[key];
    return { name, record: stored?.last, history: stored?.history };
  });
  context.stdout.write(renderHostsTable(rows, { now, maxAgeMs: options.maxAgeMs }));
}
