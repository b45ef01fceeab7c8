/**
 * lwt's library API: a chosen list, each with its type and doc comment where it is defined.
 * What is not here is lwt's own business and may change; nothing of ssh2 is exposed. Test
 * helpers (a fake transport, real sshd fleets on loopback) are in `lwt/testing`.
 */

// Every way a command ends, and what it means for an exit code.
export {
  describeOutcome,
  isSuccess,
  type Outcome,
  type OutcomeKind,
  type TimeoutPhase,
  type UnreachableStage,
} from './outcome/outcome.js';
export {
  ExitCode,
  exitCodeFor,
  maxRemoteExitCode,
  type ExitCodeValue,
} from './outcome/exit-code.js';
export { UsageError } from './usage-error.js';

// Hosts: the hosts file, selection, ranges, ~/.ssh/config.
export type { HostEntry } from './hosts/host-entry.js';
export { loadHostsFile, parseHostsFile } from './hosts/hosts-file.js';
export { selectHosts, type HostSelection } from './hosts/select.js';
export { expandHostPattern, splitHostList } from './hosts/ranges.js';
export { foldHostNames } from './hosts/fold.js';
export { loadSshConfig, parseSshConfig, type ParsedSshConfig } from './hosts/ssh-config.js';
export { resolveSshSettings, type SshSettings } from './hosts/ssh-settings.js';

// Commands on many hosts.
export { exec, type ExecOptions } from './fleet/exec.js';
export type {
  FleetReporter,
  FleetResult,
  HostRef,
  HostResult,
  OutputStream,
} from './fleet/events.js';
export { MAX_LINE_BYTES } from './fleet/line-splitter.js';
export type { SshOptions } from './fleet/targets.js';
export { createSsh2Transport, type ConnectionOptions } from './fleet/default-transport.js';
export type { HostKeyPolicy } from './transport/ssh2/host-key.js';

// Files to and from many hosts.
export { put, putPerHost, type TransferOptions } from './fleet/put.js';
export { get } from './fleet/get.js';
export type { HostTransfer, TransferReporter, TransferResult } from './fleet/transfer-events.js';
export type { CompareMode, TransferCounts } from './files/tree-entry.js';
export { TransferAborted, TransferError } from './transport/file-errors.js';

// How hosts are reached: the interface every fleet command drives, for other transports.
export type {
  HostConnection,
  HostConnectResult,
  OutputListener,
  RemoteRunRequest,
  RemoteRunResult,
  RemoteTarget,
  Transport,
} from './transport/transport.js';
export type {
  RemoteAttributes,
  RemoteDirEntry,
  RemoteFiles,
  RemoteHandle,
  RemoteStats,
} from './transport/remote-files.js';
export { DEFAULT_MAX_OUTPUT_BYTES, type CapturedOutput } from './transport/output-capture.js';

// Local commands in a pool (lwt run).
export { runCommands, type RunCommandsOptions } from './run/run-commands.js';
export type { CommandResult, RunReporter, RunSummary } from './run/events.js';
export { Stopper } from './pool/stop.js';

// Candidate hosts and the available set (lwt hosts check).
export {
  checkCandidates,
  type CandidatesChecked,
  type CheckCandidatesOptions,
} from './health/check-and-record.js';
export type { CheckRecord, HostFigures, HostStatus } from './health/check-record.js';
export type { Thresholds } from './health/thresholds.js';
export { loadHostsState, STATE_FILE_NAME, stateDirFor } from './health/state-store.js';
export type { HostsState } from './health/hosts-state.js';

// Reporters: what the CLI prints, for programs that want the same.
export { fleetLines } from './report/fleet-lines.js';
export { fleetJsonLines, hostResultToJson } from './report/fleet-json.js';
export { fleetGather } from './report/fleet-gather.js';
export { fleetOutdir } from './report/fleet-outdir.js';
export { fleetSummary } from './report/fleet-summary.js';
export { fleetProgress } from './report/fleet-progress.js';
export { LiveLine } from './report/live-line.js';
export { transferJsonLines, transferLines } from './report/transfer-json.js';
export { transferSummary } from './report/transfer-summary.js';
export { transferProgress } from './report/transfer-progress.js';
export { groupedOutput, inCommandOrder, type TagMode } from './report/run-output.js';
export { runJsonLines } from './report/run-json.js';
export { runSummaryLine } from './report/run-summary.js';
export { joblog } from './report/joblog.js';
export type { OutputStreams } from './report/text.js';
