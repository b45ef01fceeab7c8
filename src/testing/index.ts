/**
 * lwt/testing: a fake transport for tests without sshd (commands answered by a function,
 * files in memory); real OpenSSH fleets on loopback addresses for tests and benchmarks, plus
 * hosts that fail in the ways real ones do (refused, frozen, killed mid-command, changed host
 * key).
 */
export {
  FakeTransport,
  type FakeCall,
  type FakeReply,
  type FakeTransportOptions,
} from './fake-transport.js';
export { FakeFileSystem } from './fake-files.js';
export type { KillConnectionsOptions, SshFleet, SshFleetOptions } from './fleet-types.js';
export { startSshFleet } from './sshd-fleet.js';
export { deadHostAddress, startFrozenHost, type FrozenHost } from './fault-hosts.js';
export { SSHD_PATH, sshdAvailable } from './sshd-process.js';
export { SshFleetUnavailableError, TEST_USER, type FleetUser } from './test-user.js';
export { loopbackAddress } from './network.js';
