import type { ArgumentsCamelCase, Argv } from 'yargs';
import { describeOutcome, exitCodeFor, fleetSummary, type FleetReporter } from '../../index.js';
import { buildDeployCommand, parseDeployOutput } from '../../health/deploy-script.js';
import { runScriptPerHost } from '../../health/run-per-host.js';
import type { CliContext } from '../context.js';
import { addFleetOptions, fleetRunOptions, loadFleet, type FleetArgs } from '../fleet-options.js';
import { handleInterrupts } from '../interrupt.js';
import { secondsToMs } from '../options.js';

interface DeployArgs extends FleetArgs {
  timeout: unknown;
}

export function hostsDeployCommand(context: CliContext) {
  return {
    command: 'deploy',
    describe: "Create each host's home folder (home= in the hosts file); safe to repeat",
    builder: (y: Argv) =>
      addFleetOptions(y)
        .option('timeout', {
          requiresArg: true,
          alias: 't',
          default: 10,
          describe: 'Seconds for the work on a host once connected',
        })
        .example('$0 hosts deploy', 'mkdir -p the home of every candidate'),
    handler: async (args: ArgumentsCamelCase<DeployArgs>) => {
      const timeoutMs = secondsToMs(args.timeout, '--timeout');
      // Every candidate, not only the available ones: a missing home is what makes a host
      // unhealthy, and deploy is what fixes it.
      const fleet = await loadFleet(args, context, { availableOnly: false });
      const line: FleetReporter = {
        onHostEnd(r) {
          const done = r.outcome.kind === 'ok' ? parseDeployOutput(r.stdout) : undefined;
          if (done)
            context.stdout.write(
              `${r.name}: ${done.created ? 'created' : 'exists'} ${done.path}\n`,
            );
          else {
            const said = r.stderr.trim().split('\n')[0];
            context.stderr.write(
              `${r.name}: ${describeOutcome(r.outcome)}${said ? `: ${said}` : ''}\n`,
            );
          }
        },
        onNote: (m) => context.stderr.write(`lwt: ${m}\n`),
      };
      const interrupts = handleInterrupts(context);
      try {
        const result = await runScriptPerHost(fleet.hosts, (t) => buildDeployCommand(t.home), {
          ...fleetRunOptions(fleet, args, interrupts.stopper),
          timeoutMs,
          reporters: [line, fleetSummary(context.stderr, 'hosts deploy')],
        });
        const outcomes = result.results.map((r) => r.outcome);
        context.setExitCode(exitCodeFor(outcomes, { interruptedBy: interrupts.by() }));
      } finally {
        interrupts.dispose();
      }
    },
  };
}
