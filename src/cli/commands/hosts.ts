import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { hostsCheckCommand } from './hosts-check.js';
import { hostsDeployCommand } from './hosts-deploy.js';
import { hostsListCommand } from './hosts-list.js';
import { hostsStatCommand } from './hosts-stat.js';

/**
 * `lwt hosts`: the hosts file lists candidates; `check` finds which are available and keeps
 * that in .lwt/ next to the hosts file, and every other fleet command then uses only those.
 */
export function hostsCommand(context: CliContext) {
  return {
    command: 'hosts',
    describe: 'Candidate hosts: check them, list them, watch them, deploy their homes',
    builder: (y: Argv) =>
      y
        .command(hostsCheckCommand(context))
        .command(hostsListCommand(context))
        .command(hostsStatCommand(context))
        .command(hostsDeployCommand(context))
        .demandCommand(1, 'name one: lwt hosts check, list, stat or deploy'),
    handler: () => {},
  };
}
