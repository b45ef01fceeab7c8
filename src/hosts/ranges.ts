import { UsageError } from '../usage-error.js';

/** Where a host pattern was written: errors name it as "file:line". */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

/** More names than this from one pattern is a typo (an extra digit), not a fleet. */
export const MAX_EXPANDED_NAMES = 100_000;

const RANGE_HINT = 'write ranges as [1-5], [01-20], [1,3,7-9] or [0-10/2]';

/**
 * Expands ClusterShell nodeset brackets: "web[01-03,07]" gives web01 web02 web03 web07. The zero
 * padding of a range comes from its written start ([08-10] gives 08 09 10); several bracket groups
 * multiply out, the first varying slowest. A bracket holding ':' is an IPv6 literal
 * ("[::1]:2222") and is kept as written.
 */
export function expandHostPattern(pattern: string, where?: SourceLocation): string[] {
  const groups = parseGroups(pattern, where);
  const total = groups.reduce((count, choices) => count * choices.length, 1);
  if (total > MAX_EXPANDED_NAMES) {
    throw new UsageError(
      `'${pattern}' expands to ${total} names, more than the ${MAX_EXPANDED_NAMES} allowed: ` +
        'check the range bounds for a typo, or split it into smaller ranges',
      where,
    );
  }
  let names = [''];
  for (const choices of groups) names = names.flatMap((name) => choices.map((c) => name + c));
  return names;
}

/**
 * Splits a pdsh/pssh host list ("a,b[1-3],c") at the commas that are not inside brackets, so
 * a range's own commas stay with it. Items are trimmed; empty items are dropped.
 */
export function splitHostList(list: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of list) {
    if (char === '[') depth += 1;
    else if (char === ']') depth = Math.max(0, depth - 1);
    if (char === ',' && depth === 0) {
      items.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  items.push(current);
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

/** The pattern as a list of groups, each a list of alternatives: literal text has one. */
function parseGroups(pattern: string, where: SourceLocation | undefined): string[][] {
  const groups: string[][] = [];
  let literal = '';
  let total = 1;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === ']') {
      throw new UsageError(
        `unmatched ']' in '${pattern}': remove it, or open the range with '[' (${RANGE_HINT})`,
        where,
      );
    }
    if (char !== '[') {
      literal += char;
      continue;
    }
    const close = pattern.indexOf(']', i + 1);
    const nested = pattern.indexOf('[', i + 1);
    if (close < 0) {
      throw new UsageError(
        `unclosed '[' in '${pattern}': close the range with ']', like web[1-3]`,
        where,
      );
    }
    if (nested >= 0 && nested < close) {
      throw new UsageError(
        `'[' inside a range in '${pattern}': ranges do not nest; ${RANGE_HINT}`,
        where,
      );
    }
    const body = pattern.slice(i + 1, close);
    i = close;
    if (body.includes(':')) {
      // An IPv6 address in brackets ("[::1]:2222"), as ssh writes one with a port.
      literal += `[${body}]`;
      continue;
    }
    const choices = expandRangeSet(body, pattern, where, total);
    total *= choices.length;
    groups.push([literal]);
    groups.push(choices);
    literal = '';
  }
  groups.push([literal]);
  return groups;
}

/** "01-03,07" -> 01 02 03 07; `sofar` is the product of the groups before, to stop early. */
function expandRangeSet(
  body: string,
  pattern: string,
  where: SourceLocation | undefined,
  sofar: number,
): string[] {
  if (body.trim() === '') {
    throw new UsageError(`empty range '[]' in '${pattern}': ${RANGE_HINT}`, where);
  }
  const values: string[] = [];
  for (const element of body.split(',')) {
    const range = parseRange(element, pattern, where);
    const count = Math.floor((range.end - range.start) / range.step) + 1;
    if ((values.length + count) * sofar > MAX_EXPANDED_NAMES) {
      throw new UsageError(
        `'${pattern}' expands to more than the ${MAX_EXPANDED_NAMES} names allowed: ` +
          'check the range bounds for a typo, or split it into smaller ranges',
        where,
      );
    }
    for (let n = range.start; n <= range.end; n += range.step) {
      values.push(String(n).padStart(range.width, '0'));
    }
  }
  return values;
}

interface Range {
  readonly start: number;
  readonly end: number;
  readonly step: number;
  /** Digits to pad to; 0 when the start was written without leading zeros. */
  readonly width: number;
}

function parseRange(element: string, pattern: string, where: SourceLocation | undefined): Range {
  const bad = (why: string) =>
    new UsageError(`bad range '${element}' in '${pattern}': ${why}`, where);
  const match = /^(\d+)(?:-(\d+)(?:\/(\d+))?)?$/.exec(element);
  if (!match) {
    if (/^\d+-(\/.*)?$/.test(element)) throw bad(`a range needs both bounds, like [1-5]`);
    if (element === '') throw bad(`an empty item between commas; ${RANGE_HINT}`);
    throw bad(`bounds must be whole numbers; ${RANGE_HINT}`);
  }
  const [, first = '', last, stepText] = match;
  const width = first.length > 1 && first.startsWith('0') ? first.length : 0;
  const start = Number(first);
  if (last === undefined) return { start, end: start, step: 1, width };
  const end = Number(last);
  if (end < start) throw bad(`the start is after the end; write it as [${last}-${first}]`);
  if (last.length > 1 && last.startsWith('0') && last.length !== first.length) {
    throw bad(`the bounds are padded differently; write both with ${last.length} digits`);
  }
  const step = stepText === undefined ? 1 : Number(stepText);
  if (step < 1) throw bad(`the step after '/' must be 1 or more, like [0-10/2]`);
  return { start, end, step, width };
}
