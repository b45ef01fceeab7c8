import type { ArgumentsCamelCase, Argv } from 'yargs';
import { get } from '../../index.js';
import { UsageError } from '../../usage-error.js';
import type { CliContext } from '../context.js';
import { addFleetOptions } from '../fleet-options.js';
import { addTransferOptions, compareModeOf, runTransferCommand, type TransferArgs } from './put.js';

export function getCommand(context: CliContext) {
  return {
    command: 'get [remote] [localdir]',
    aliases: ['get-all'],
    describe: 'Copy a file or folder from every host into LOCALDIR/<host>/',
    builder: (y: Argv) =>
      addTransferOptions(addFleetOptions(y))
        .positional('remote', {
          type: 'string',
          describe: 'File or folder on each host (relative: under its home)',
        })
        .positional('localdir', {
          type: 'string',
          describe: "Local folder; each host's copy goes into LOCALDIR/<host>/",
        })
        .epilogue(
          'Each file is written under a temporary name and renamed into place, with its mode and mtime; ' +
            'symbolic links inside folders are brought back as links. A file whose size and mtime match ' +
            'the local copy is skipped unless --checksum (then same size and sha256) or --force.',
        )
        .example('$0 get /var/log/app.log ./logs', 'into ./logs/<host>/app.log')
        .example('$0 get -g db -t 120 data/results ./results', 'a folder, 2 minutes a host')
        .example('get-all /var/log/app.log ./logs', "LWT's name"),
    handler: async (
      args: ArgumentsCamelCase<TransferArgs & { remote?: string; localdir?: string }>,
    ) => {
      if (args.remote === undefined || args.localdir === undefined || args._.length > 1) {
        throw new UsageError('give REMOTE and LOCALDIR: lwt get /var/log/app.log ./logs');
      }
      const remote = args.remote;
      const localDir = args.localdir;
      const compare = compareModeOf(args);
      await runTransferCommand(args, context, 'get', (fleet, options) =>
        get(fleet.hosts, remote, localDir, { ...options, compare }),
      );
    },
  };
}
