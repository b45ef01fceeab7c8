import { describe, expect, it } from 'vitest';
import {
  compareNatural,
  expandHostPattern,
  foldHostNames,
  splitHostList,
} from '../../src/hosts/index.js';

/** What a user reading the folded list would get back by expanding it. */
function expandFolded(folded: string): string[] {
  return splitHostList(folded).flatMap((item) => expandHostPattern(item));
}

describe('foldHostNames', () => {
  it('folds a numbered series with a gap, as clush -b does', () => {
    expect(foldHostNames(['web01', 'web02', 'web03', 'web07'])).toBe('web[01-03,07]');
  });

  it('folds the last part of IPv4 addresses', () => {
    const names = [2, 3, 4, 5, 6, 7, 8, 9].map((n) => `127.0.0.${n}`);
    expect(foldHostNames(names)).toBe('127.0.0.[2-9]');
  });

  it('sorts naturally, whatever the order given', () => {
    expect(foldHostNames(['node10', 'node9', 'node2', 'node1'])).toBe('node[1-2,9-10]');
    expect(foldHostNames(['web2', 'db1', 'web1'])).toBe('db1,web[1-2]');
  });

  it('keeps a range across a change of digit count', () => {
    expect(foldHostNames(['n08', 'n09', 'n10', 'n11'])).toBe('n[08-11]');
    expect(foldHostNames(['n8', 'n9', 'n10'])).toBe('n[8-10]');
    expect(foldHostNames(['n98', 'n99', 'n100'])).toBe('n[98-100]');
  });

  it('never merges different paddings of one number', () => {
    expect(foldHostNames(['web1', 'web01'])).toBe('web[1,01]');
    expect(expandFolded(foldHostNames(['web1', 'web01'])).sort()).toEqual(['web01', 'web1']);
    expect(foldHostNames(['n1', 'n2', 'n01', 'n02'])).toBe('n[1-2,01-02]');
  });

  it('separates different prefixes and suffixes with commas', () => {
    expect(foldHostNames(['a1.lab', 'a2.lab', 'a1.prod', 'b1.lab'])).toBe(
      'a[1-2].lab,a1.prod,b1.lab',
    );
  });

  it('folds on the last number of the name', () => {
    expect(foldHostNames(['rack1-n1', 'rack1-n2', 'rack2-n1'])).toBe('rack1-n[1-2],rack2-n1');
  });

  it('leaves names without digits and a single name unchanged', () => {
    expect(foldHostNames(['gamma', 'alpha', 'beta'])).toBe('alpha,beta,gamma');
    expect(foldHostNames(['web07'])).toBe('web07');
    expect(foldHostNames([])).toBe('');
  });

  it('drops duplicate names', () => {
    expect(foldHostNames(['web1', 'web2', 'web1'])).toBe('web[1-2]');
  });

  it('folds the host number, not the port, of user@host:port', () => {
    expect(foldHostNames(['root@h1:22', 'root@h2:22'])).toBe('root@h[1-2]:22');
    expect(foldHostNames(['127.0.0.2:2222', '127.0.0.3:2222'])).toBe('127.0.0.[2-3]:2222');
    expect(foldHostNames(['h1:22', 'h1:23'])).toBe('h1:22,h1:23');
  });

  it('leaves IPv6 addresses alone', () => {
    expect(foldHostNames(['[::1]:2222', '[::2]:2222', '::3'])).toBe('::3,[::1]:2222,[::2]:2222');
  });

  it('expands back to exactly the names given', () => {
    const names = [
      ...expandHostPattern('web[001-012,020]'),
      ...expandHostPattern('web[1-3,9-11]'),
      ...expandHostPattern('n[08-12]'),
      'n8',
      'n9',
      ...expandHostPattern('deploy@db[1-4]:2222'),
      'db3',
      'solo',
      ...expandHostPattern('127.0.0.[2-40/3]'),
    ];
    expect(expandFolded(foldHostNames(names)).sort()).toEqual([...new Set(names)].sort());
  });
});

describe('compareNatural', () => {
  it('orders numbers by value', () => {
    expect(['web10', 'web9', 'web1', 'db2'].sort(compareNatural)).toEqual([
      'db2',
      'web1',
      'web9',
      'web10',
    ]);
  });
});
