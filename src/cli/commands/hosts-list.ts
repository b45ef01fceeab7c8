import { join } from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { loadHostsState, resolveSshSettings, STATE_FILE_NAME } from '../../index.js';
import { stateKeyOf } from '../../health/hosts-state.js';
import type { CliContext } from '../context.js';
import { addFleetOptions, loadFleet, type FleetArgs } from '../fleet-options.js';
import { printHostRows } from './hosts-output.js';

interface ListArgs extends FleetArgs {
  json: boolean;
}

export function hostsListCommand(context: CliContext) {
  return {
    command: 'list',
    describe: 'Every candidate host with its last check: status, why, how long ago',
    builder: (y: Argv) =>
      addFleetOptions(y)
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'One JSON object a line per host',
        })
        .example('$0 hosts list', 'the table')
        .example(
          '$0 hosts list --json | jq -r \'select(.status != "available") | .host\'',
          'hosts to look at',
        ),
    handler: async (args: ArgumentsCamelCase<ListArgs>) => {
      const fleet = await loadFleet(args, context, { availableOnly: false });
      const path = join(fleet.stateDir, STATE_FILE_NAME);
      const loaded = await loadHostsState(path);
      if (loaded.kind === 'missing') {
        context.stderr.write(`lwt: no host check yet (${path}): run lwt hosts check\n`);
      } else if (loaded.kind === 'unreadable') {
        context.stderr.write(
          `lwt: ignoring ${path} (${loaded.message}); lwt hosts check rewrites it\n`,
        );
      }
      const hosts = fleet.hosts.map((host) => ({
        name: host.name,
        key: stateKeyOf(resolveSshSettings(host, { config: fleet.sshConfig, user: args.l })),
      }));
      const state = loaded.kind === 'ok' ? loaded.state : undefined;
      printHostRows(hosts, state, { json: args.json, maxAgeMs: fleet.maxAgeMs }, context);
    },
  };
}
