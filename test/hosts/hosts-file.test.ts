import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadHostsFile, parseHostsFile } from '../../src/hosts/index.js';
import { catchUsageError, catchUsageErrorAsync } from './catch-usage-error.js';

describe('parseHostsFile', () => {
  it("reads LWT's name<TAB>category<TAB>home lines", () => {
    const entries = parseHostsFile('node1\tlab\t/home/lwt\nnode2\tbatch\n', 'hosts');
    expect(entries).toEqual([
      {
        name: 'node1',
        host: 'node1',
        tags: ['lab'],
        home: '/home/lwt',
        source: { file: 'hosts', line: 1 },
      },
      { name: 'node2', host: 'node2', tags: ['batch'], source: { file: 'hosts', line: 2 } },
    ]);
  });

  it('reads user@host:port with tags, home and slots', () => {
    const [entry] = parseHostsFile('deploy@db1:2222 tags=db,backup home=/srv slots=4', 'hosts');
    expect(entry).toEqual({
      name: 'deploy@db1:2222',
      host: 'db1',
      user: 'deploy',
      port: 2222,
      tags: ['db', 'backup'],
      home: '/srv',
      slots: 4,
      source: { file: 'hosts', line: 1 },
    });
  });

  it('takes a bare host with no attributes', () => {
    expect(parseHostsFile('web01', 'h')).toEqual([
      { name: 'web01', host: 'web01', tags: [], source: { file: 'h', line: 1 } },
    ]);
  });

  it('expands ranges in the host part, each host keeping the attributes', () => {
    const entries = parseHostsFile('web[01-03] tags=web\n127.0.0.[2-3]:2222', 'hosts');
    expect(entries.map((e) => [e.name, e.host, e.port, e.tags])).toEqual([
      ['web01', 'web01', undefined, ['web']],
      ['web02', 'web02', undefined, ['web']],
      ['web03', 'web03', undefined, ['web']],
      ['127.0.0.2:2222', '127.0.0.2', 2222, []],
      ['127.0.0.3:2222', '127.0.0.3', 2222, []],
    ]);
    expect(entries[2]?.source).toEqual({ file: 'hosts', line: 1 });
    expect(entries[4]?.source).toEqual({ file: 'hosts', line: 2 });
  });

  it('reads IPv6 addresses with and without a port', () => {
    const entries = parseHostsFile('[::1]:2200\n::1\nroot@[fe80::2]', 'hosts');
    expect(entries.map((e) => [e.name, e.host, e.user, e.port])).toEqual([
      ['[::1]:2200', '::1', undefined, 2200],
      ['::1', '::1', undefined, undefined],
      ['root@[fe80::2]', 'fe80::2', 'root', undefined],
    ]);
  });

  it('skips comments and blank lines, tolerates CRLF, and counts lines right', () => {
    const text =
      '# fleet\r\n\r\n  \r\nweb01 tags=web # the first\r\nweb#2\r\n\t# indented comment\r\n';
    const entries = parseHostsFile(text, 'hosts');
    expect(entries.map((e) => [e.name, e.tags, e.source?.line])).toEqual([
      ['web01', ['web'], 4],
      ['web#2', [], 5],
    ]);
  });

  it('allows tabs between key=value attributes', () => {
    expect(parseHostsFile('web01\ttags=web\thome=/srv', 'h')[0]).toMatchObject({
      name: 'web01',
      tags: ['web'],
      home: '/srv',
    });
  });

  it("keeps a home with spaces in LWT's form", () => {
    expect(parseHostsFile('n1\tlab\t/home/my work', 'h')[0]?.home).toBe('/home/my work');
  });

  const errors: [string, string, string][] = [
    [
      'unknown key',
      'web01 group=web',
      "hosts:1: unknown key 'group': the keys are tags=a,b, home=/path or slots=N",
    ],
    [
      'bad port',
      '\nweb01:22x',
      "hosts:2: bad host 'web01:22x': port '22x' is not a number from 1 to 65535; write it like web01:2222",
    ],
    [
      'port out of range',
      'web01:70000',
      "hosts:1: bad host 'web01:70000': port '70000' is not a number from 1 to 65535; write it like web01:2222",
    ],
    [
      'bad range',
      'web[3-1] tags=web',
      "hosts:1: bad range '3-1' in 'web[3-1]': the start is after the end; write it as [1-3]",
    ],
    [
      'slots=0',
      'web01 slots=0',
      'hosts:1: slots=0 is not a whole number of 1 or more: write slots=1 for one task at a time',
    ],
    [
      'slots=1.5',
      'web01 slots=1.5',
      'hosts:1: slots=1.5 is not a whole number of 1 or more: write slots=1 for one task at a time',
    ],
    [
      'a word that is not key=value',
      'web01 web',
      "hosts:1: 'web' is not key=value: after the host write tags=a,b, home=/path or slots=N " +
        "(LWT's name<TAB>category<TAB>home form needs tabs between its fields)",
    ],
    [
      'a key given twice',
      'web01 tags=a tags=b',
      'hosts:1: tags= given twice: give it once (tags take a comma list)',
    ],
    [
      'an empty value',
      'web01 home=',
      'hosts:1: home= has no value: write tags=a,b, home=/path or slots=N',
    ],
    [
      'a slash in the host',
      'web/01',
      "hosts:1: bad host 'web/01': it contains '/'; a host is a name or address (it also names the host's folder)",
    ],
    [
      'a leading dash',
      '-oProxyCommand=x',
      "hosts:1: bad host '-oProxyCommand=x': it starts with '-', which ssh would read as an option; remove the '-'",
    ],
    [
      'no user before @',
      '@web01',
      "hosts:1: bad host '@web01': nothing before '@'; write a host as host, user@host, host:port or [ipv6]:port",
    ],
    [
      'too many tab fields',
      'n1\tlab\t/home\textra',
      "hosts:1: 4 tab-separated fields, but LWT's form has at most 3 (name<TAB>category<TAB>home): " +
        'remove the extra fields, or use key=value attributes',
    ],
  ];
  it.each(errors)('refuses %s, naming file:line and the fix', (_what, text, message) => {
    expect(catchUsageError(() => parseHostsFile(text, 'hosts')).format()).toBe(message);
  });
});

describe('loadHostsFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lwt-hosts-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and parses a file', async () => {
    const file = join(dir, 'hosts');
    writeFileSync(file, 'web[1-2] tags=web\n');
    const entries = await loadHostsFile(file);
    expect(entries.map((e) => e.name)).toEqual(['web1', 'web2']);
    expect(entries[1]?.source).toEqual({ file, line: 1 });
  });

  it('says how to name hosts when the file is missing', async () => {
    const file = join(dir, 'missing');
    const error = await catchUsageErrorAsync(() => loadHostsFile(file));
    expect(error.format()).toBe(
      `cannot read hosts file ${file} (no such file): create it (see hosts.example), ` +
        'name another with -H FILE or LWT_HOSTS, or list hosts with -w LIST',
    );
  });

  it('says so when the path is a folder', async () => {
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    const error = await catchUsageErrorAsync(() => loadHostsFile(folder));
    expect(error.message).toContain(`cannot read hosts file ${folder} (it is a folder)`);
  });

  it('refuses a file with no hosts, showing the line forms', async () => {
    const file = join(dir, 'empty');
    writeFileSync(file, '# nothing yet\n\n');
    const error = await catchUsageErrorAsync(() => loadHostsFile(file));
    expect(error.format()).toBe(
      `no hosts in ${file}: add lines like \`web01\` or \`deploy@10.0.0.5:2222 tags=web\` (see hosts.example)`,
    );
  });
});
