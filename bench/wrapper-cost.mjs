#!/usr/bin/env node
// What a remote command line costs the host's sshd, in paired alternation on one loopback fleet:
//
//   python3 bench/lib/subreaper.py node bench/wrapper-cost.mjs [--hosts N] [--rounds R] \
//     [--user root|nonroot] [VARIANTS.mjs]        (ORPHAN_CPU_FILE=/some/file in the environment)
//
// Each round runs every variant once, in an order rotated from round to round, on all N hosts
// at once, each host over an ssh2 connection made as lwt makes it (connectSsh). A variant's cost
// is the sshd listener's cutime+cstime over the run, per host: every connection's sshd and what
// it ran and reaped. What a session leaves to init (an orphan) is not in that figure; when this
// runs under bench/lib/subreaper.py, the orphans' CPU is read from ORPHAN_CPU_FILE and shown too.
//
// VARIANTS.mjs exports `variants`: [{ name, line: (runId) => string }] or { name, openssh: cmd }
// (the command through OpenSSH's ssh, as clush runs it). Without it: `true` over ssh2, `true`
// over OpenSSH's ssh, and lwt's wrapper from dist/ running `true`.
import console from 'node:console';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startSshFleet } from '../dist/testing/index.js';
import { wrapRemoteCommand } from '../dist/transport/remote-wrapper.js';
import { connectSsh } from '../dist/transport/ssh2/connect.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    hosts: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '10' },
    user: { type: 'string', default: 'root' },
  },
});
const hosts = Number(values.hosts);
const rounds = Number(values.rounds);

const defaults = [
  { name: 'true (ssh2)', line: () => 'true' },
  { name: 'true (ssh)', openssh: 'true' },
  {
    name: 'lwt wrapper',
    line: (runId) =>
      wrapRemoteCommand({ command: 'true', inputBytes: 0, graceSeconds: 2, runId }).line,
  },
];
const variants = positionals[0]
  ? (await import(pathToFileURL(resolve(positionals[0])).href)).variants
  : defaults;

const fleet = await startSshFleet({
  hosts,
  user: values.user,
  firstAddress: Number(process.env.BENCH_FIRST_ADDRESS ?? '600'),
});
const hz = 100; // CLK_TCK on Linux

/** The listener's cutime+cstime, ms. */
function sshdMs() {
  const stat = readFileSync(`/proc/${fleet.sshdPid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / hz;
}

/** CPU ms of the orphans reaped so far, when running under the subreaper. */
function orphanMs() {
  const file = process.env.ORPHAN_CPU_FILE;
  if (!file) return 0;
  try {
    return Number(readFileSync(file, 'utf8').trim() || '0');
  } catch {
    return 0;
  }
}

async function settle() {
  for (let i = 0; i < 200; i++) {
    const children = readFileSync(`/proc/${fleet.sshdPid}/task/${fleet.sshdPid}/children`, 'utf8');
    if (!children.trim()) break;
    await sleep(50);
  }
  // Orphans (a watchdog reparented to init) may end a moment after their session.
  await sleep(300);
}

const settings = (address) => ({
  alias: address,
  hostname: address,
  port: fleet.port,
  user: fleet.user,
  identityFiles: [fleet.privateKeyPath],
  identitiesOnly: true,
  proxyJump: [],
  userKnownHostsFiles: [fleet.knownHostsPath],
  strictHostKeyChecking: 'yes',
});

async function viaSsh2(address, line) {
  const c = await connectSsh(settings(address), {
    connectTimeoutMs: 30_000,
    keepaliveIntervalMs: 5000,
    keepaliveCountMax: 3,
  });
  if (!c.ok) throw new Error(`${address}: ${JSON.stringify(c.outcome)}`);
  const status = await new Promise((done, fail) =>
    c.client.exec(line, (error, channel) => {
      if (error) return fail(error);
      let exit;
      channel.on('exit', (code, signal) => (exit = signal ?? code));
      channel.resume();
      channel.stderr.resume();
      // No EOF: lwt sends one only when it gives up on a command, and the wrapper acts on it.
      channel.on('close', () => done(exit));
    }),
  );
  c.client.end();
  return status;
}

function viaOpenSsh(address, command) {
  return new Promise((done) => {
    const child = spawn('ssh', ['-F', fleet.sshConfigPath, address, command], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    child.on('close', (code) => done(code));
  });
}

async function runVariant(variant) {
  await settle();
  const before = sshdMs();
  const orphansBefore = orphanMs();
  const statuses = await Promise.all(
    fleet.addresses.map((address) =>
      variant.openssh
        ? viaOpenSsh(address, variant.openssh)
        : viaSsh2(address, variant.line(`${process.pid}-${randomBytes(6).toString('hex')}`)),
    ),
  );
  await settle();
  const bad = statuses.filter((s) => s !== 0);
  if (bad.length) console.error(`  ${variant.name}: ${bad.length} hosts ended ${bad[0]}`);
  return {
    sshd: (sshdMs() - before) / hosts,
    orphans: (orphanMs() - orphansBefore) / hosts,
  };
}

const results = variants.map(() => []);
console.log(
  `wrapper cost: ${hosts} hosts at once as ${fleet.user}, ${rounds} rounds, ` +
    `load average before: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);
try {
  // One untimed pass: the first connections of a fleet pay for loading sshd's pages.
  for (const v of variants) await runVariant(v);
  for (let round = 0; round < rounds; round++) {
    const order = variants.map((_, i) => (i + round) % variants.length);
    for (const i of order) results[i].push(await runVariant(variants[i]));
    process.stderr.write(`round ${round + 1}/${rounds}\r`);
  }
} finally {
  await fleet.stop();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f = (x, width = 7) => x.toFixed(1).padStart(width);
// Per round: the listener's figure plus the orphans' (0 when not under the subreaper).
const total = (r) => r.sshd + r.orphans;
const reference = variants.findIndex((v) => v.openssh);
console.log(
  `\n${'variant'.padEnd(28)} ${'sshd'.padStart(7)} ${'orphans'.padStart(7)} ${'total'.padStart(7)}` +
    ` ${'min'.padStart(7)} ${'max'.padStart(7)} ${'vs first'.padStart(9)}` +
    (reference >= 0 ? ` ${'x ' + variants[reference].name}` : ''),
);
variants.forEach((v, i) => {
  const totals = results[i].map(total);
  const diffs = totals.map((x, k) => x - total(results[0][k]));
  const d = median(diffs);
  console.log(
    `${v.name.padEnd(28)} ${f(median(results[i].map((r) => r.sshd)))} ` +
      `${f(median(results[i].map((r) => r.orphans)))} ${f(median(totals))} ` +
      `${f(Math.min(...totals))} ${f(Math.max(...totals))} ` +
      `${(i === 0 ? '-' : (d >= 0 ? '+' : '') + d.toFixed(1)).padStart(9)}` +
      (reference >= 0
        ? ` ${(median(totals) / median(results[reference].map(total))).toFixed(2).padStart(6)}`
        : ''),
  );
});
console.log(
  "ms of CPU a host, medians over the rounds; sshd: the listener's cutime+cstime; orphans: what" +
    ' the sessions left to init (under bench/lib/subreaper.py only); vs first: paired median of' +
    ' the totals.',
);
