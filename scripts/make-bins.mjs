// Part of `npm run build`: writes the bins that package.json's "bin" names (bin/lwt and LWT's
// script names) from the one template below, so that they cannot drift apart.
//
// A bin's line 2 is sh and a comment to JavaScript: sh runs `//` (a folder) quietly, then execs
// node on the same file, which reads the line as a comment. A portable way (BusyBox has no
// `env -S`) to start node with a different environment:
// - GLIBC_TUNABLES for `lwt put`, unless the user set their own: glibc keeps the memory it was
//   given instead of handing it back at each trim, and asks for transparent huge pages for what
//   it maps (where the kernel gives them on request), so that what a put allocates does not
//   come from fresh pages the kernel must zero. 10-12% less CPU for a 10 MB put to 10 hosts on
//   Node 20, 22 and 24 (NOTES.md, 2026-12-03). runCli (src/cli/entry.ts) takes the variable
//   out again for the commands lwt starts.
// The bins are CommonJS (bin/package.json) and require the CommonJS start that
// scripts/bundle-cli.mjs builds: a start that never loads Node's ES module loader costs 13-20
// ms less CPU (NOTES.md, 2026-11-23, seventh session). `node bin/lwt` works too, without line 2.
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const PUT_ENV =
  '[ -n "${GLIBC_TUNABLES+set}" ] || export GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456:' +
  'glibc.malloc.mmap_threshold=4194304:glibc.malloc.hugetlb=1 _LWT_GLIBC_TUNABLES=set';

// Each bin: the lwt command it runs (none: lwt itself, whose first argument names it), the
// argument its start passes to startCli (src/cli/aliases.ts maps it onto that command), and
// what it is, for its reader.
const BINS = {
  lwt: {
    command: undefined,
    alias: undefined,
    about: 'lwt: run commands and move files across a fleet of hosts over SSH.',
  },
  'execute-all': {
    command: 'exec',
    alias: 'exec',
    about: "LWT's execute-all: execute-all 'CMD' runs CMD on every host.",
  },
  multiprocess: {
    command: 'run',
    alias: 'multiprocess',
    about: "LWT's multiprocess.pl: multiprocess MAX TIMEOUT < commands",
  },
  'put-all': {
    command: 'put',
    alias: 'put',
    about: "LWT's put-all LOCAL... REMOTE copies files and folders to every host.",
  },
  'put-all-diff': {
    command: 'put',
    alias: 'put-all-diff',
    about: "LWT's put-all-diff DIR REMOTE sends DIR/<host>/ to each host.",
  },
  'get-all': {
    command: 'get',
    alias: 'get',
    about: "LWT's get-all REMOTE LOCALDIR brings REMOTE from every host into LOCALDIR/<host>/.",
  },
};

/** The sh that runs before node: the environment its command needs. */
function launcher(command) {
  if (command === 'put') return `${PUT_ENV}; `;
  if (command === undefined) return `case $1 in put|put-all) ${PUT_ENV};; esac; `;
  return '';
}

const template = ({ command, alias, about }) => `#!/bin/sh
// 2>/dev/null; ${launcher(command)}exec node "$0" "$@"
// Written by scripts/make-bins.mjs at \`npm run build\`, which says what line 2 does and why.
// ${about}
require('../dist/cli-bundle/start.cjs').startCli(${alias === undefined ? '' : `'${alias}'`});
`;

// package.json's "bin" is what npm links; every bin it names must be made here, and only those.
const { bin } = JSON.parse(readFileSync('package.json', 'utf8'));
const named = Object.entries(bin).map(([name, path]) => `${name} ${path}`);
const made = Object.keys(BINS).map((name) => `${name} bin/${name}`);
if (named.sort().join('\n') !== made.sort().join('\n')) {
  throw new Error(`package.json's "bin" and scripts/make-bins.mjs's BINS differ: update both`);
}

for (const [name, spec] of Object.entries(BINS)) {
  const path = `bin/${name}`;
  // Written aside and renamed: a bin that runs during a build sees the old file or the new one.
  writeFileSync(`${path}.tmp`, template(spec));
  chmodSync(`${path}.tmp`, 0o755);
  renameSync(`${path}.tmp`, path);
}
