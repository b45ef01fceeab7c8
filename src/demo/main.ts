import { main } from '../cli/main.js';
import { startDemoFleet, type DemoHost } from './demo-fleet.js';

/**
 * `npm run demo`: starts a throwaway fleet of in-process SSH servers on loopback, runs `lwt
 * exec` against it over real SSH in each output mode, with a host that fails, one that times
 * out and one that is down, then stops everything.
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
} finally {
  await fleet.stop();
}
say('Demo done: every server stopped and its folder removed.');
process.exitCode = failures;
