import { describe, expect, it } from 'vitest';
import { selectAvailable, type Candidate } from '../../src/health/available-set.js';
import type { CheckRecord } from '../../src/health/check-record.js';
import { hostRecordToJson } from '../../src/report/hosts-json.js';
import { renderHostsTable } from '../../src/report/hosts-table.js';
import {
  HISTORY_LENGTH,
  recordChecks,
  stateKeyOf,
  type HostsState,
} from '../../src/health/hosts-state.js';

const at = (minutesAgo: number, now = NOW) =>
  new Date(now.getTime() - minutesAgo * 60_000).toISOString();
const NOW = new Date('2026-11-23T12:00:00Z');
const available = (when: string, load1 = 0.5): CheckRecord => ({
  at: when,
  status: 'available',
  why: '',
  figures: { load: [load1, 0, 0], connectMs: 40, cores: 2 },
  durationMs: 90,
});
const unhealthy = (when: string): CheckRecord => ({
  at: when,
  status: 'unhealthy',
  why: 'load 3.00 per core (6.00 on 2) > 1',
  failed: [{ threshold: 'max-load', message: 'load 3.00 per core (6.00 on 2) > 1' }],
  figures: { load: [6, 5, 4], cores: 2 },
  durationMs: 100,
});
const unreachable = (when: string): CheckRecord => ({
  at: when,
  status: 'unreachable',
  stage: 'refused',
  outcome: { kind: 'unreachable', stage: 'refused', message: 'connect ECONNREFUSED' },
  why: 'unreachable (refused): connect ECONNREFUSED',
  figures: {},
  durationMs: 2,
});

describe('the state: last check and history', () => {
  it('keys a host by where it is reached, not by its name', () => {
    expect(stateKeyOf({ user: 'deploy', hostname: '10.0.0.5', port: 2222 })).toBe(
      'deploy@10.0.0.5:2222',
    );
  });

  it('moves the last check into the history, newest first, and keeps other hosts', () => {
    let state = recordChecks(
      undefined,
      [
        { key: 'a', name: 'web1', record: available(at(30), 0.25) },
        { key: 'b', name: 'web2', record: unreachable(at(30)) },
      ],
      new Date(at(30)),
    );
    expect(state.hosts.a?.history).toEqual([]);
    state = recordChecks(
      state,
      [{ key: 'a', name: 'web1-renamed', record: unhealthy(at(10)) }],
      new Date(at(10)),
    );
    state = recordChecks(
      state,
      [{ key: 'a', name: 'web1-renamed', record: available(at(0)) }],
      NOW,
    );
    expect(state.version).toBe(1);
    expect(state.updatedAt).toBe(NOW.toISOString());
    expect(state.hosts.a?.name).toBe('web1-renamed');
    expect(state.hosts.a?.last.at).toBe(at(0));
    expect(state.hosts.a?.history).toEqual([
      { at: at(10), status: 'unhealthy', why: 'load 3.00 per core (6.00 on 2) > 1', load1: 6 },
      { at: at(30), status: 'available', why: '', load1: 0.25, connectMs: 40 },
    ]);
    // Not checked this time: kept as it was.
    expect(state.hosts.b?.last.status).toBe('unreachable');
    expect(state.hosts.b?.history).toEqual([]);
  });

  it(`keeps at most ${HISTORY_LENGTH} earlier checks`, () => {
    let state: HostsState | undefined;
    for (let i = 30; i >= 0; i--) {
      state = recordChecks(state, [{ key: 'a', name: 'a', record: available(at(i)) }], NOW);
    }
    const history = state?.hosts.a?.history ?? [];
    expect(history).toHaveLength(HISTORY_LENGTH);
    expect(history[0]?.at).toBe(at(1));
    expect(history.at(-1)?.at).toBe(at(HISTORY_LENGTH));
  });

  it('shows history oldest first, marks stale checks, and leaves empty columns out', () => {
    let state = recordChecks(
      undefined,
      [{ key: 'a', name: 'web1', record: unreachable(at(200)) }],
      NOW,
    );
    state = recordChecks(state, [{ key: 'a', name: 'web1', record: unhealthy(at(100)) }], NOW);
    state = recordChecks(state, [{ key: 'a', name: 'web1', record: available(at(90), 0.5) }], NOW);
    const rows = [
      { name: 'web1', record: state.hosts.a?.last, history: state.hosts.a?.history },
      { name: 'web2' },
    ];
    expect(renderHostsTable(rows, { now: NOW, maxAgeMs: 3_600_000 })).toBe(
      [
        'HOST  STATUS     AGE          CONNECT  LOAD  CORES  RECENT  WHY',
        'web1  available  90m (stale)  40ms     0.50  2      x-+',
        'web2  unchecked                                             not checked yet',
        '',
      ].join('\n'),
    );
  });

  it('writes stable JSON for programs, and "unchecked" for a host never checked', () => {
    const state = recordChecks(
      undefined,
      [{ key: 'r@h:22', name: 'h', record: unreachable(at(2)) }],
      NOW,
    );
    expect(
      hostRecordToJson('h', 'r@h:22', state.hosts['r@h:22'], { now: NOW, maxAgeMs: 60_000 }),
    ).toEqual({
      host: 'h',
      address: 'r@h:22',
      status: 'unreachable',
      why: 'unreachable (refused): connect ECONNREFUSED',
      stage: 'refused',
      outcome: expect.objectContaining({ kind: 'unreachable', stage: 'refused' }),
      checkedAt: at(2),
      ageSeconds: 120,
      stale: true,
      durationMs: 2,
      figures: {},
      history: [],
    });
    expect(hostRecordToJson('n', 'r@n:22', undefined, { now: NOW, maxAgeMs: 1 })).toEqual({
      host: 'n',
      address: 'r@n:22',
      status: 'unchecked',
      why: 'not checked yet',
    });
  });
});

describe('the available set', () => {
  const state = [
    ['ok', available(at(5))],
    ['sick', unhealthy(at(5))],
    ['dead', unreachable(at(5))],
    ['dead-long-ago', unreachable(at(120))],
  ].reduce<HostsState | undefined>(
    (s, [key, record]) =>
      recordChecks(
        s,
        [{ key: key as string, name: key as string, record: record as CheckRecord }],
        NOW,
      ),
    undefined,
  );
  const candidates = (named: string[] = []): Candidate<string>[] =>
    ['ok', 'sick', 'dead', 'dead-long-ago', 'new'].map((key) => ({
      host: key,
      key,
      named: named.includes(key),
    }));

  it('leaves out hosts a fresh check found not available, and says so in one line', () => {
    const set = selectAvailable(candidates(), state, { maxAgeMs: 3_600_000, now: NOW });
    // A host checked too long ago, or never (new in the hosts file), is used.
    expect(set.use).toEqual(['ok', 'dead-long-ago', 'new']);
    expect(set.excluded.map((e) => [e.host, e.record.status])).toEqual([
      ['sick', 'unhealthy'],
      ['dead', 'unreachable'],
    ]);
    expect(set.note).toBe('using 3 of 5 hosts: 2 not available, see lwt hosts list');
  });

  it('uses every host when the check is older than max-age, or when there is no check', () => {
    for (const [s, maxAgeMs] of [[state, 60_000] as const, [undefined, 3_600_000] as const]) {
      const set = selectAvailable(candidates(), s, { maxAgeMs, now: NOW });
      expect(set.use).toEqual(['ok', 'sick', 'dead', 'dead-long-ago', 'new']);
      expect(set.note).toBeUndefined();
    }
  });

  it('keeps a host named on its own even when not available, and says so', () => {
    const set = selectAvailable(candidates(['dead']), state, { maxAgeMs: 3_600_000, now: NOW });
    expect(set.use).toEqual(['ok', 'dead', 'dead-long-ago', 'new']);
    expect(set.keptNamed.map((k) => k.host)).toEqual(['dead']);
    expect(set.note).toBe(
      'using 4 of 5 hosts: 1 not available; 1 not available but named with -w, used anyway, see lwt hosts list',
    );
  });
});
