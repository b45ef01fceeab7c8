#!/usr/bin/env node
// Starts a test fleet for a shell script: `node bench/lib/fleet.mjs N [root|nonroot|self]`.
// The hosts start at address number $BENCH_FIRST_ADDRESS (default 300, 127.0.1.44): away from the
// 127.0.0.x that the tests use, so a benchmark and a test run at the same time never share a name.
// Prints the fleet as shell assignments (quoted for eval), then FLEET_READY=1; keeps the fleet up
// until its standard input closes (the script is done), then stops it and exits. Run it as a
// coprocess: when the script dies, its end of the pipe closes and the fleet goes with it.
import console from 'node:console';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { startSshFleet } from '../../dist/testing/index.js';

const hosts = Number(process.argv[2] ?? '10');
const user = process.argv[3] ?? 'root';
const firstAddress = Number(process.env.BENCH_FIRST_ADDRESS ?? '300');
const fleet = await startSshFleet({ hosts, user, firstAddress });

// Tools other than lwt take plain addresses; the ssh config gives them port, user and key.
const addressesFile = join(fleet.dir, 'addresses');
writeFileSync(addressesFile, fleet.addresses.join('\n') + '\n');

const quote = (value) => `'${String(value).replace(/'/g, `'\\''`)}'`;
const variables = {
  FLEET_HOSTS: fleet.addresses.length,
  FLEET_PORT: fleet.port,
  FLEET_USER: fleet.user,
  FLEET_DIR: fleet.dir,
  FLEET_SSHD_PID: fleet.sshdPid,
  FLEET_SSH_CONFIG: fleet.sshConfigPath,
  FLEET_HOSTS_FILE: fleet.hostsFilePath,
  FLEET_ADDRESSES_FILE: addressesFile,
  FLEET_ADDRESSES: fleet.addresses.join(','),
  FLEET_KNOWN_HOSTS: fleet.knownHostsPath,
  FLEET_KEY: fleet.privateKeyPath,
};
for (const [name, value] of Object.entries(variables)) console.log(`${name}=${quote(value)}`);
console.log('FLEET_READY=1');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await fleet.stop();
  process.exit(0);
};
process.stdin.on('end', stop).on('close', stop).on('error', stop).resume();
process.on('SIGTERM', stop).on('SIGINT', stop).on('SIGHUP', stop);
