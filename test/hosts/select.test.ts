import { describe, expect, it } from 'vitest';
import { parseHostsFile, selectHosts, type HostEntry } from '../../src/hosts/index.js';
import { catchUsageError } from './catch-usage-error.js';

const file = parseHostsFile(
  [
    'web[01-04] tags=web home=/srv/app',
    'deploy@db1:2222 tags=db slots=2',
    'batch1\tbatch\t/home/lwt',
    'web02 tags=web',
  ].join('\n'),
  'hosts',
);

const names = (hosts: readonly HostEntry[]) => hosts.map((h) => h.name);

describe('selectHosts', () => {
  it("takes the file's hosts, without duplicates, the first one winning", () => {
    const hosts = selectHosts(file, {});
    expect(names(hosts)).toEqual(['web01', 'web02', 'web03', 'web04', 'deploy@db1:2222', 'batch1']);
    expect(hosts[1]?.home).toBe('/srv/app');
  });

  it('keeps hosts having any of the -g tags, comma lists included', () => {
    expect(names(selectHosts(file, { tags: ['db'] }))).toEqual(['deploy@db1:2222']);
    expect(names(selectHosts(file, { tags: ['db', 'batch'] }))).toEqual([
      'deploy@db1:2222',
      'batch1',
    ]);
    expect(names(selectHosts(file, { tags: ['db,batch'] }))).toEqual(['deploy@db1:2222', 'batch1']);
  });

  it('removes -x hosts by name or by host, with ranges', () => {
    expect(names(selectHosts(file, { exclude: 'web[02-04],db1' }))).toEqual(['web01', 'batch1']);
    expect(catchUsageError(() => selectHosts(file, { exclude: 'web[2-1]' })).message).toBe(
      "-x: bad range '2-1' in 'web[2-1]': the start is after the end; write it as [1-2]",
    );
    expect(names(selectHosts(file, { exclude: 'deploy@db1:2222' }))).toContain('web04');
  });

  it('applies -g before -x', () => {
    expect(names(selectHosts(file, { tags: ['web'], exclude: 'web01' }))).toEqual([
      'web02',
      'web03',
      'web04',
    ]);
  });

  it('uses the -w list instead of the file, keeping what the file says of a listed host', () => {
    const hosts = selectHosts(file, { list: 'web[03-05],db1' });
    expect(names(hosts)).toEqual(['web03', 'web04', 'web05', 'db1']);
    expect(hosts[0]).toEqual({
      name: 'web03',
      host: 'web03',
      home: '/srv/app',
      tags: ['web'],
      source: { file: 'hosts', line: 1 },
    });
    expect(hosts[2]).toEqual({ name: 'web05', host: 'web05', tags: [] });
    // db1 is in the file as deploy@db1:2222: that is how it is reached.
    expect(hosts[3]).toMatchObject({
      host: 'db1',
      user: 'deploy',
      port: 2222,
      slots: 2,
      tags: ['db'],
    });
  });

  it('lets -w override user and port of a host in the file', () => {
    const [host] = selectHosts(file, { list: 'root@db1:22' });
    expect(host).toMatchObject({
      name: 'root@db1:22',
      host: 'db1',
      user: 'root',
      port: 22,
      slots: 2,
    });
  });

  it('needs no file for -w', () => {
    const hosts = selectHosts(undefined, { list: 'deploy@127.0.0.[2-3]:2222,[::1]:2200' });
    expect(hosts).toEqual([
      { name: 'deploy@127.0.0.2:2222', host: '127.0.0.2', user: 'deploy', port: 2222, tags: [] },
      { name: 'deploy@127.0.0.3:2222', host: '127.0.0.3', user: 'deploy', port: 2222, tags: [] },
      { name: '[::1]:2200', host: '::1', port: 2200, tags: [] },
    ]);
  });

  it('removes duplicates of the same user, host and port from -w', () => {
    expect(names(selectHosts(undefined, { list: 'a,b,a,b[1-2],b1,root@a' }))).toEqual([
      'a',
      'b',
      'b1',
      'b2',
      'root@a',
    ]);
  });

  it('says which tags are in use when -g matches nothing', () => {
    expect(catchUsageError(() => selectHosts(file, { tags: ['gpu'] })).message).toBe(
      'no hosts match -g gpu (tags in use: batch, db, web): pick a tag in use, ' +
        'or add tags= to hosts in the hosts file',
    );
    expect(catchUsageError(() => selectHosts(undefined, { list: 'a', tags: ['x'] })).message).toBe(
      'no hosts match -g x (no host has tags): pick a tag in use, or add tags= to hosts in the hosts file',
    );
  });

  it('says so when -x leaves nothing', () => {
    expect(catchUsageError(() => selectHosts(file, { tags: ['db'], exclude: 'db1' })).message).toBe(
      'no hosts left after -x db1: every selected host is excluded; narrow the -x list',
    );
  });

  it('asks for a hosts file when there is neither a file nor -w', () => {
    expect(catchUsageError(() => selectHosts(undefined, {})).message).toBe(
      'no hosts file: create ./hosts (see hosts.example), name one with -H FILE or LWT_HOSTS, ' +
        'or list hosts with -w LIST',
    );
  });

  it('refuses an empty or malformed -w, naming the flag', () => {
    expect(catchUsageError(() => selectHosts(file, { list: ' , ' })).message).toBe(
      '-w names no hosts: give a list like -w web[01-05],db1',
    );
    expect(catchUsageError(() => selectHosts(file, { list: 'web[1-' })).message).toBe(
      "-w: unclosed '[' in 'web[1-': close the range with ']', like web[1-3]",
    );
    expect(catchUsageError(() => selectHosts(file, { list: 'web1:x' })).message).toBe(
      "-w: bad host 'web1:x': port 'x' is not a number from 1 to 65535; write it like web01:2222",
    );
  });
});
