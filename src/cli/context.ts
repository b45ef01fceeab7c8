import type { Readable } from 'node:stream';

/** What a CLI command may touch of the outside world; injected so tests can run it in-process. */
export interface CliContext {
  readonly stdin: Readable;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Where .lwt/config.json is looked for; default process.cwd(). */
  readonly cwd?: string;
  readonly setExitCode: (code: number) => void;
}
