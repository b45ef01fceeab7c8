import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../usage-error.js';

export const CONFIG_FILE_NAME = 'config.json';

/**
 * The settings `.lwt/config.json` may hold: the same names and values as the flags, so that
 * `{"max-load": 1.5, "check": ["test -d /data"], "max-age": "2h"}` reads like a command line.
 * A flag given on the command line wins over the file.
 */
export interface HealthConfig {
  readonly 'max-load'?: number;
  readonly 'min-free-disk'?: string | number;
  readonly 'min-put-rate'?: string | number;
  readonly 'min-get-rate'?: string | number;
  readonly check?: readonly string[];
  readonly bandwidth?: boolean;
  readonly 'bandwidth-size'?: string | number;
  readonly 'max-age'?: string | number;
  readonly timeout?: number;
}

const KINDS: Record<keyof HealthConfig, 'number' | 'size' | 'strings' | 'boolean'> = {
  'max-load': 'number',
  'min-free-disk': 'size',
  'min-put-rate': 'size',
  'min-get-rate': 'size',
  check: 'strings',
  bandwidth: 'boolean',
  'bandwidth-size': 'size',
  'max-age': 'size',
  timeout: 'number',
};

/** Reads `<stateDir>/config.json`; no file is an empty config. Mistakes are UsageErrors. */
export async function loadHealthConfig(stateDir: string): Promise<HealthConfig> {
  const file = join(stateDir, CONFIG_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${file} must hold one JSON object like {"max-load": 1.5}`);
  }
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const kind = KINDS[key as keyof HealthConfig];
    if (kind === undefined) {
      throw new UsageError(
        `${file}: unknown setting '${key}'; the settings are ${Object.keys(KINDS).join(', ')}`,
      );
    }
    config[key] = checkValue(file, key, kind, value);
  }
  return config as HealthConfig;
}

function checkValue(file: string, key: string, kind: string, value: unknown): unknown {
  const ok =
    (kind === 'number' && typeof value === 'number') ||
    (kind === 'size' && (typeof value === 'number' || typeof value === 'string')) ||
    (kind === 'boolean' && typeof value === 'boolean') ||
    (kind === 'strings' &&
      (typeof value === 'string' ||
        (Array.isArray(value) && value.every((v) => typeof v === 'string'))));
  if (!ok) {
    const want = {
      number: 'a number',
      size: 'a number or a string like "2G"',
      boolean: 'true or false',
      strings: 'a string or a list of strings',
    }[kind];
    throw new UsageError(`${file}: '${key}' must be ${want}, got ${JSON.stringify(value)}`);
  }
  return kind === 'strings' && typeof value === 'string' ? [value] : value;
}
