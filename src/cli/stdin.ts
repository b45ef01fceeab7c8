import type { Readable } from 'node:stream';

/**
 * Our standard input, read whole, when it is not a terminal (pssh -I): the same bytes go to
 * every host. A terminal means nobody piped anything in, so the remote stdin stays empty.
 */
export async function readAllStdin(stdin: Readable): Promise<Buffer | undefined> {
  if ((stdin as { isTTY?: boolean }).isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  const all = Buffer.concat(chunks);
  return all.length > 0 ? all : undefined;
}
