import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadHostsFile } from '../../src/hosts/index.js';

const example = fileURLToPath(new URL('../../hosts.example', import.meta.url));

describe('hosts.example', () => {
  it('parses into the hosts it documents', async () => {
    const entries = await loadHostsFile(example);
    expect(
      entries.map((e) => ({
        name: e.name,
        host: e.host,
        user: e.user,
        port: e.port,
        tags: e.tags,
        home: e.home,
        slots: e.slots,
      })),
    ).toEqual([
      { name: 'web01', host: 'web01', tags: ['web'] },
      { name: 'web02', host: 'web02', tags: ['web', 'frontend'], home: '/srv/app' },
      { name: 'web03', host: 'web03', tags: ['web', 'frontend'], home: '/srv/app' },
      { name: 'web04', host: 'web04', tags: ['web', 'frontend'], home: '/srv/app' },
      {
        name: 'deploy@db1:2222',
        host: 'db1',
        user: 'deploy',
        port: 2222,
        tags: ['db', 'backup'],
        slots: 2,
      },
      { name: '127.0.0.2:2222', host: '127.0.0.2', port: 2222, tags: ['lab'] },
      { name: '127.0.0.3:2222', host: '127.0.0.3', port: 2222, tags: ['lab'] },
      { name: '127.0.0.4:2222', host: '127.0.0.4', port: 2222, tags: ['lab'] },
      { name: '[::1]:2200', host: '::1', port: 2200, tags: ['lab'] },
      { name: 'batch01', host: 'batch01', tags: ['batch'], home: '/home/lwt/work' },
      { name: 'batch02', host: 'batch02', tags: ['batch'] },
    ]);
  });
});
