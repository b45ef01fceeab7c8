import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../cli/main.js';
import { startDemoFleet, type DemoHost } from './demo-fleet.js';

/**
 * `npm run demo`: starts a throwaway fleet of in-process SSH servers on loopback, runs `lwt
 * exec` against it over real SSH in each output mode, with a host that fails, one that times
 * out and one that is down, and one that prints more than a result keeps, then stops
 * everything.
 */
const HOSTS: DemoHost[] = [
  { alias: 'web1', address: '127.0.0.2', tags: 'web', files: { role: 'frontend\n' } },
  { alias: 'web2', address: '127.0.0.3', tags: 'web', files: { role: 'frontend\n' } },
  { alias: 'web3', address: '127.0.0.4', tags: 'web', files: { role: 'frontend\n', broken: '' } },
  { alias: 'db1', address: '127.0.0.5', tags: 'db', files: { role: 'database\n', slow: '' } },
  { alias: 'old1', address: '127.0.0.6', tags: 'web', files: {}, down: true },
];

const fleet = await startDemoFleet(HOSTS);
// Bold headings on a terminal only: piped into a file or a test, the text stays plain.
const bold = process.stdout.isTTY
  ? (text: string) => `\x1b[1m${text}\x1b[0m`
  : (text: string) => text;
const say = (text: string) => process.stdout.write(`\n${bold(text)}\n`);
const lwt = async (...args: string[]) => {
  const shown = args.map((a) => (/[\s'"$;|&()<>*[\]]/.test(a) ? `'${a}'` : a)).join(' ');
  process.stdout.write(`$ lwt ${shown}\n`);
  const code = await main(['--hosts-file', fleet.hostsFile, '-F', fleet.sshConfig, ...args], {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: {},
    setExitCode: () => {},
  });
  process.stdout.write(`(exit code ${code})\n`);
  return code;
};

let failures = 0;
try {
  say(`A throwaway fleet: ${HOSTS.length} hosts in ${fleet.hostsFile} (old1 is down)`);
  say('1. Every host, lines as they arrive, prefixed with the host:');
  failures +=
    (await lwt('exec', '-x', 'old1', '--no-stdin', '--', 'echo "I am $(cat role)"; uname -s')) === 0
      ? 0
      : 1;

  say(
    '2. Identical output gathered once (-b), with a failing, a slow and a dead host, 2 s deadline:',
  );
  await lwt(
    'exec',
    '-b',
    '-t',
    '2',
    '--connect-timeout',
    '2',
    '--no-stdin',
    '--',
    'if [ -f slow ]; then sleep 30; fi; if [ -f broken ]; then echo "disk full" >&2; exit 3; fi; cat role',
  );

  say('3. JSON lines, for scripts (only the web tag, and not the dead host):');
  await lwt('exec', '-g', 'web', '-x', 'old1', '--json', '--no-stdin', '--', 'cat role');

  say('4. Output into files as it arrives (-o): DIR/<host>.out and .err, then .status:');
  const out = join(mkdtempSync(join(tmpdir(), 'lwt-demo-')), 'out');
  await lwt('exec', '-w', 'web[1-2]', '-o', out, '--no-stdin', '--', 'cat role; echo note >&2');
  for (const name of readdirSync(out).sort()) {
    process.stdout.write(`  ${name}: ${readFileSync(join(out, name), 'utf8').trimEnd()}\n`);
  }
  rmSync(dirname(out), { recursive: true, force: true });

  say('5. A host that prints 30 MB with no newline: --json keeps the first --max-output bytes:');
  await lwt(
    'exec',
    '-w',
    'web1',
    '--json',
    '--max-output',
    '40',
    '--no-stdin',
    '--',
    'head -c 30000000 /dev/zero | tr "\\0" x',
  );
} finally {
  await fleet.stop();
}
say('Demo done: every server stopped and its folder removed.');
process.exitCode = failures;
