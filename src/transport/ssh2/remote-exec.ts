import { randomBytes } from 'node:crypto';
import type { Client, ClientChannel } from 'ssh2';
import { decodeSshExit } from '../../outcome/decode.js';
import type { Outcome } from '../../outcome/outcome.js';
import { capturedOutput, DEFAULT_MAX_OUTPUT_BYTES, StreamCapture } from '../output-capture.js';
import { wrapRemoteCommand } from '../remote-wrapper.js';
import type { RemoteRunRequest, RemoteRunResult } from '../transport.js';

/** How long past the kill grace we wait for the channel to close before forcing it. */
const CLOSE_MARGIN_MS = 3000;
/** Bound on the second channel that kills a tree the watchdog did not stop. */
const KILL_CHANNEL_MS = 3000;

/**
 * Runs one command on an open connection under the remote wrapper, and always resolves with
 * one outcome. On timeout or stop it sends EOF (the wrapper's watchdog then stops the remote
 * tree), waits for the channel to close, and only if it does not, kills the session over a
 * second channel and drops the connection. `broken` is set when the connection is no longer
 * fit for reuse.
 */
export function execRemote(
  client: Client,
  home: string | undefined,
  request: RemoteRunRequest,
): Promise<RemoteRunResult & { broken: boolean }> {
  const runId = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const wrapped = wrapRemoteCommand({
    command: request.command,
    dir: home,
    inputBytes: request.stdin?.length ?? 0,
    graceSeconds: request.killAfterMs / 1000,
    runId,
  });
  const keep = request.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const stdout = new StreamCapture(keep);
  const stderr = new StreamCapture(keep);
  return new Promise((resolve) => {
    let channel: ClientChannel | undefined;
    let exit: Outcome | undefined;
    let forced: Outcome | undefined;
    let broken = false;
    let settled = false;
    let stopping = false;
    let held = 0; // Listeners' promises not yet settled: while any is, the channel is paused.
    const timers: NodeJS.Timeout[] = [];

    const finish = (fallback: Outcome) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      request.signal?.removeEventListener('abort', onStop);
      request.forceSignal?.removeEventListener('abort', onForce);
      client.removeListener('close', onConnectionClose);
      resolve({ outcome: forced ?? exit ?? fallback, ...capturedOutput(stdout, stderr), broken });
    };

    // Kill over a second channel, then drop the connection: the last resort when EOF did not
    // bring the channel down (a wedged watchdog, a server that stopped answering).
    const killHard = () => {
      broken = true;
      const drop = setTimeout(() => {
        client.destroy();
        finish({ kind: 'no-status' });
      }, KILL_CHANNEL_MS);
      timers.push(drop);
      client.exec(wrapped.killLine, (error, killChannel) => {
        if (error) return;
        killChannel.resume();
        killChannel.stderr.resume();
        killChannel.on('close', () => {
          client.destroy();
          finish({ kind: 'no-status' });
        });
      });
    };

    // A listener asked to wait: stop reading, so that ssh2 stops widening the window and the
    // host stops sending once what is in flight (ssh2's window, 2 MiB) has arrived.
    const hold = (wait: Promise<void> | void) => {
      if (!wait || stopping || !channel) return;
      if (held++ === 0) {
        channel.pause();
        channel.stderr.pause();
      }
      const release = () => {
        if (--held === 0 && !stopping) resume();
      };
      wait.then(release, release);
    };
    const resume = () => {
      channel?.resume();
      channel?.stderr.resume();
    };

    const stop = (outcome: Outcome, immediate: boolean) => {
      if (settled) return;
      forced ??= outcome;
      // A stop must not wait on a reader that may never read again (a closed pipe, a stopped
      // pager): from here output flows, and the channel can close.
      stopping = true;
      resume();
      if (!channel) {
        // Still opening the channel: nothing runs yet that we know of, so the connection goes.
        broken = true;
        client.destroy();
        finish(outcome);
        return;
      }
      channel.end(); // EOF: the watchdog stops the remote tree.
      if (immediate) killHard();
      else timers.push(setTimeout(killHard, request.killAfterMs + CLOSE_MARGIN_MS));
    };
    const onStop = () => stop({ kind: 'canceled' }, false);
    const onForce = () => stop({ kind: 'canceled' }, true);
    const onConnectionClose = () => {
      broken = true;
      finish({
        kind: 'unreachable',
        stage: 'reset',
        message: 'connection lost before the command ended',
      });
    };
    client.on('close', onConnectionClose);
    request.signal?.addEventListener('abort', onStop, { once: true });
    request.forceSignal?.addEventListener('abort', onForce, { once: true });

    if (request.timeoutMs > 0) {
      timers.push(
        setTimeout(
          () => stop({ kind: 'timeout', phase: 'run', afterMs: request.timeoutMs }, false),
          request.timeoutMs,
        ),
      );
    }

    client.exec(wrapped.line, (error, opened) => {
      if (error) {
        broken = true;
        finish({
          kind: 'unreachable',
          stage: 'reset',
          message: `could not open a session: ${error.message}`,
        });
        return;
      }
      if (settled) {
        opened.close();
        return;
      }
      channel = opened;
      opened.on('data', (chunk: Buffer) => {
        stdout.push(chunk);
        hold(request.onStdout?.(chunk));
      });
      opened.stderr.on('data', (chunk: Buffer) => {
        stderr.push(chunk);
        hold(request.onStderr?.(chunk));
      });
      opened.on('exit', (code: number | null, signal?: string, core?: boolean) => {
        exit = decodeSshExit(code, signal, core);
      });
      opened.on('close', () => finish({ kind: 'no-status' }));
      if (request.stdin && request.stdin.length > 0) opened.write(request.stdin);
      if (request.forceSignal?.aborted) onForce();
      else if (request.signal?.aborted) onStop();
    });
  });
}
