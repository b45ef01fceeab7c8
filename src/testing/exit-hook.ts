/**
 * One process 'exit' listener for everything the harness started: a test that fails or forgets
 * stop() must not leave an sshd running after the test process ends. 'exit' handlers run
 * synchronously, so every cleanup here must be synchronous too.
 */
const cleanups = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // Best effort: one failed cleanup must not stop the others.
    }
  }
  cleanups.clear();
}

/** Runs `cleanup` when the process exits, unless the returned function is called first. */
export function onProcessExit(cleanup: () => void): () => void {
  if (!installed) {
    process.on('exit', runAll);
    installed = true;
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}
