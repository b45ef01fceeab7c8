import { readFile } from 'node:fs/promises';
import { UsageError } from './usage-error.js';

/**
 * A JSON file that must hold one object (lwt's `.lwt/config.json`): undefined when there is no
 * such file; a file that cannot be read or parsed is a UsageError naming it, with `example` as
 * the shape to write.
 */
export async function readJsonObjectFile(
  file: string,
  example: string,
): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new UsageError(`cannot read it (${code ?? String(error)}): fix its permissions`, {
      file,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`not valid JSON (${(error as Error).message}): fix or remove it`, {
      file,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`must hold one JSON object, like ${example}`, { file });
  }
  return parsed as Record<string, unknown>;
}
