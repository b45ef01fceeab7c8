import type { ArgumentsCamelCase, Argv } from 'yargs';
import { describeOutcome, exitCodeFor } from '../../index.js';
import { runScriptPerHost } from '../../health/run-per-host.js';
import { buildStatCommand, compareBusiest, parseStatOutput } from '../../health/stat-script.js';
import { renderStatTable, type StatRow } from '../../report/hosts-table.js';
import { outcomeToJson } from '../../report/outcome-json.js';
import type { CliContext } from '../context.js';
import { addFleetOptions, fleetRunOptions, loadFleet, type FleetArgs } from '../fleet-options.js';
import { handleInterrupts } from '../interrupt.js';
import { secondsToMs } from '../options.js';

interface StatArgs extends FleetArgs {
  timeout: unknown;
  json: boolean;
}

export function hostsStatCommand(context: CliContext) {
  return {
    command: 'stat',
    describe: "A process snapshot of every available host, busiest first (LWT's monitor)",
    builder: (y: Argv) =>
      addFleetOptions(y)
        .option('timeout', {
          requiresArg: true,
          alias: 't',
          default: 10,
          describe: 'Seconds for the snapshot on a host once connected',
        })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'One JSON object a line per host',
        })
        .example('$0 hosts stat', 'CPU, memory and processes: all, and the connecting user'),
    handler: async (args: ArgumentsCamelCase<StatArgs>) => {
      const timeoutMs = secondsToMs(args.timeout, '--timeout');
      const fleet = await loadFleet(args, context);
      const interrupts = handleInterrupts(context);
      try {
        const result = await runScriptPerHost(fleet.hosts, buildStatCommand, {
          ...fleetRunOptions(fleet, args, interrupts.stopper),
          timeoutMs,
          reporters: [{ onNote: (m) => context.stderr.write(`lwt: ${m}\n`) }],
        });
        const rows = result.results.map((r): StatRow & { json: Record<string, unknown> } => {
          const stats = r.outcome.kind === 'ok' ? parseStatOutput(r.stdout) : undefined;
          const problem =
            r.outcome.kind !== 'ok'
              ? describeOutcome(r.outcome)
              : stats
                ? undefined
                : 'no ps or awk';
          const json = stats
            ? { host: r.name, ...stats }
            : { host: r.name, outcome: outcomeToJson(r.outcome), problem };
          return { name: r.name, stats, problem, json };
        });
        rows.sort((a, b) => compareBusiest(a.stats, b.stats));
        if (args.json) rows.forEach((row) => context.stdout.write(JSON.stringify(row.json) + '\n'));
        else context.stdout.write(renderStatTable(rows));
        context.setExitCode(
          exitCodeFor(
            result.results.map((r) => r.outcome),
            { interruptedBy: interrupts.by() },
          ),
        );
      } finally {
        interrupts.dispose();
      }
    },
  };
}
