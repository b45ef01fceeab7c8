/**
 * Reads `key=value` lines, the format of every remote probe: the value is everything after the
 * first `=`, so it may hold spaces and `=`. Lines without `=` are ignored (a shell's noise).
 */
export function parseKeyValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return values;
}

/** The whitespace-separated numbers of a value; undefined when any is not a finite number. */
export function parseNumbers(value: string | undefined, count: number): number[] | undefined {
  if (value === undefined) return undefined;
  const numbers = value.split(/\s+/).slice(0, count).map(Number);
  if (numbers.length < count || numbers.some((n) => !Number.isFinite(n))) return undefined;
  return numbers;
}
