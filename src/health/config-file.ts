import { join } from 'node:path';
import { readJsonObjectFile } from '../json-object-file.js';
import { UsageError } from '../usage-error.js';
import { parseDuration, parseSize } from './units.js';

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

type Kind = 'number' | 'size' | 'duration' | 'strings' | 'boolean';

const KINDS: Record<keyof HealthConfig, Kind> = {
  'max-load': 'number',
  'min-free-disk': 'size',
  'min-put-rate': 'size',
  'min-get-rate': 'size',
  check: 'strings',
  bandwidth: 'boolean',
  'bandwidth-size': 'size',
  'max-age': 'duration',
  timeout: 'number',
};

/**
 * Reads `<stateDir>/config.json`; no file is an empty config. The file holds settings of every
 * command (`parallel`, `connect-timeout`, ...), so names that are not health settings are left
 * to the others, as the CLI does with the same file; a health setting of the wrong type is a
 * UsageError naming the file.
 */
export async function loadHealthConfig(stateDir: string): Promise<HealthConfig> {
  const file = join(stateDir, CONFIG_FILE_NAME);
  const parsed = await readJsonObjectFile(file, '{"max-load": 1.5}');
  if (parsed === undefined) return {};
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!Object.hasOwn(KINDS, key)) continue;
    config[key] = checkValue(file, key, KINDS[key as keyof HealthConfig], value);
  }
  return config as HealthConfig;
}

/** The value as kept, or a UsageError naming the file: caught here, not when a flag is parsed. */
function checkValue(file: string, key: string, kind: Kind, value: unknown): unknown {
  const fail = (want: string): never => {
    throw new UsageError(`'${key}' must be ${want}, got ${JSON.stringify(value)}`, { file });
  };
  switch (kind) {
    case 'number':
      if (typeof value !== 'number' || !(value >= 0)) fail('a number of 0 or more');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') fail('true or false');
      return value;
    case 'strings': {
      const list = typeof value === 'string' ? [value] : value;
      const ok = Array.isArray(list) && list.every((v) => typeof v === 'string' && v.trim() !== '');
      if (!ok) fail('a command or a list of commands');
      return list;
    }
    case 'size':
    case 'duration': {
      const parse = kind === 'size' ? parseSize : parseDuration;
      if (typeof value !== 'number' && typeof value !== 'string') fail(`like ${EXAMPLES[kind]}`);
      try {
        parse(value, key);
      } catch {
        fail(`like ${EXAMPLES[kind]}`);
      }
      return value;
    }
  }
}

const EXAMPLES = {
  size: '"500M", "2G" or 1048576 (bytes)',
  duration: '"90s", "30m", "1h" or "2d"',
};
