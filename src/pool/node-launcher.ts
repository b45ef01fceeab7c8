import { spawn } from 'node:child_process';
import { decodeNodeExit } from '../outcome/decode.js';
import { type Launcher, startFailure } from './launch.js';

/** Spawns from this process with child_process: the fallback where there is no spawner. */
export const nodeLauncher: Launcher = (command, options, callbacks) => {
  const child = spawn('/bin/sh', ['-c', command], {
    // detached: setsid(), so the tree has a group and session to be killed by.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: options.cwd,
    env: options.env,
  });
  child.stdout.on('data', callbacks.stdout);
  child.stderr.on('data', callbacks.stderr);
  let closed = false;
  child.on('error', (error) => {
    // Spawning /bin/sh itself failed (EAGAIN, ENOMEM, a missing cwd).
    if (closed) return;
    closed = true;
    callbacks.stderr(startFailure(error.message));
    callbacks.close({ kind: 'exit', code: 127 });
  });
  child.on('close', (code, signal) => {
    if (closed) return;
    closed = true;
    callbacks.close(decodeNodeExit(code, signal));
  });
  return {
    pid: Promise.resolve(child.pid),
    dropPipes: () => {
      child.stdout.destroy();
      child.stderr.destroy();
    },
  };
};
