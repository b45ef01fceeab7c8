import { describe, expect, it } from 'vitest';
import { expandHostPattern, splitHostList } from '../../src/hosts/index.js';
import { catchUsageError } from './catch-usage-error.js';

describe('expandHostPattern', () => {
  it('expands a range and single values in order', () => {
    expect(expandHostPattern('web[01-03,07]')).toEqual(['web01', 'web02', 'web03', 'web07']);
  });

  it('pads to the width of the written start', () => {
    expect(expandHostPattern('node[08-10]')).toEqual(['node08', 'node09', 'node10']);
    expect(expandHostPattern('node[8-10]')).toEqual(['node8', 'node9', 'node10']);
    expect(expandHostPattern('n[098-101]')).toEqual(['n098', 'n099', 'n100', 'n101']);
    expect(expandHostPattern('n[007]')).toEqual(['n007']);
    expect(expandHostPattern('n[0-2]')).toEqual(['n0', 'n1', 'n2']);
  });

  it('expands the last part of an IPv4 address', () => {
    expect(expandHostPattern('127.0.0.[2-9]')).toEqual([
      '127.0.0.2',
      '127.0.0.3',
      '127.0.0.4',
      '127.0.0.5',
      '127.0.0.6',
      '127.0.0.7',
      '127.0.0.8',
      '127.0.0.9',
    ]);
  });

  it('multiplies several groups out, the first varying slowest', () => {
    expect(expandHostPattern('rack[1-2]-n[1,3]')).toEqual([
      'rack1-n1',
      'rack1-n3',
      'rack2-n1',
      'rack2-n3',
    ]);
  });

  it('keeps user@ and :port around the range', () => {
    expect(expandHostPattern('deploy@web[1-2]:2222')).toEqual([
      'deploy@web1:2222',
      'deploy@web2:2222',
    ]);
  });

  it('takes a step after a slash', () => {
    expect(expandHostPattern('n[0-10/5]')).toEqual(['n0', 'n5', 'n10']);
  });

  it('leaves names without brackets, and IPv6 literals, as written', () => {
    expect(expandHostPattern('db1.example.com')).toEqual(['db1.example.com']);
    expect(expandHostPattern('[::1]:2222')).toEqual(['[::1]:2222']);
    expect(expandHostPattern('root@[fe80::1]')).toEqual(['root@[fe80::1]']);
  });

  it('allows exactly 100000 names', () => {
    const names = expandHostPattern('n[1-100000]');
    expect(names).toHaveLength(100000);
    expect(names.at(-1)).toBe('n100000');
  });

  const errors: [string, string][] = [
    ['web[1-]', "bad range '1-' in 'web[1-]': a range needs both bounds, like [1-5]"],
    [
      'web[a-3]',
      "bad range 'a-3' in 'web[a-3]': bounds must be whole numbers; " +
        'write ranges as [1-5], [01-20], [1,3,7-9] or [0-10/2]',
    ],
    ['web[3-1]', "bad range '3-1' in 'web[3-1]': the start is after the end; write it as [1-3]"],
    ['web[1-3', "unclosed '[' in 'web[1-3': close the range with ']', like web[1-3]"],
    [
      'web]',
      "unmatched ']' in 'web]': remove it, or open the range with '[' " +
        '(write ranges as [1-5], [01-20], [1,3,7-9] or [0-10/2])',
    ],
    ['web[]', "empty range '[]' in 'web[]': write ranges as [1-5], [01-20], [1,3,7-9] or [0-10/2]"],
    [
      'web[1,,2]',
      "bad range '' in 'web[1,,2]': an empty item between commas; " +
        'write ranges as [1-5], [01-20], [1,3,7-9] or [0-10/2]',
    ],
    [
      'web[1-010]',
      "bad range '1-010' in 'web[1-010]': the bounds are padded differently; write both with 3 digits",
    ],
    [
      'n[0-4/0]',
      "bad range '0-4/0' in 'n[0-4/0]': the step after '/' must be 1 or more, like [0-10/2]",
    ],
    [
      'n[1-100001]',
      "'n[1-100001]' expands to more than the 100000 names allowed: " +
        'check the range bounds for a typo, or split it into smaller ranges',
    ],
    [
      'a[1-1000]b[1-1000]',
      "'a[1-1000]b[1-1000]' expands to more than the 100000 names allowed: " +
        'check the range bounds for a typo, or split it into smaller ranges',
    ],
  ];
  it.each(errors)('refuses %s and says how to fix it', (pattern, message) => {
    expect(catchUsageError(() => expandHostPattern(pattern)).message).toBe(message);
  });

  it('names the file and line of a bad range', () => {
    const error = catchUsageError(() => expandHostPattern('web[3-1]', { file: 'hosts', line: 7 }));
    expect(error.format()).toBe(
      "hosts:7: bad range '3-1' in 'web[3-1]': the start is after the end; write it as [1-3]",
    );
  });
});

describe('splitHostList', () => {
  it('splits at commas outside brackets only', () => {
    expect(splitHostList('a,b[1-3],c')).toEqual(['a', 'b[1-3]', 'c']);
    expect(splitHostList('web[01-02,05],[::1]:22')).toEqual(['web[01-02,05]', '[::1]:22']);
  });

  it('trims items and drops empty ones', () => {
    expect(splitHostList(' web1 , ,db1,')).toEqual(['web1', 'db1']);
    expect(splitHostList('')).toEqual([]);
  });
});
