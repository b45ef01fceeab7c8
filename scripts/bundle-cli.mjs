// Part of `npm run build`: bundles the CLI (src/cli/entry.ts and everything it imports, yargs
// and ssh2 included) into one CommonJS file, dist/cli-bundle/lwt.cjs, that the bins load through
// Node's compile cache (src/cli/start.ts). tsc still builds dist/ for the library and its types.
// Why: loading ~150 separate ES modules cost about 0.1 s of CPU at every start (NOTES.md,
// 2026-11-23, third and fourth sessions).
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

// ssh2 loads its native crypto binding (AES-GCM, ChaCha20-Poly1305) by a path relative to its
// own files, in a try/catch that falls back to slower JavaScript. From the bundle, ask for it
// by package path instead, which Node resolves from dist/cli-bundle/ to node_modules/ssh2.
const ssh2Binding = {
  name: 'ssh2-binding',
  setup(builder) {
    builder.onResolve({ filter: /\/sshcrypto\.node$/ }, () => ({
      path: 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node',
      external: true,
    }));
  },
};

// ssh2's own `require('crypto')` gets node:crypto with faster paths for the X25519 key export
// of every key exchange and the random padding of every packet; src/transport/ssh2/
// ssh2-crypto.ts says why. Only ssh2's files: the rest of the bundle keeps node:crypto as it
// is. If the filter stopped matching, ssh2 would only be slower: test/transport/
// ssh2-crypto-bundle.test.ts checks that it matches.
const ssh2Crypto = {
  name: 'ssh2-crypto',
  setup(builder) {
    builder.onResolve({ filter: /^(node:)?crypto$/ }, (args) =>
      /[\\/]node_modules[\\/]ssh2[\\/]/.test(args.importer)
        ? { path: resolve('src/transport/ssh2/ssh2-crypto.ts') }
        : undefined,
    );
  },
};

// yargs' factory calls .version() with no argument on every instance, which guesses a version
// by walking up from the working directory (the bundle's path has no node_modules in it) to the
// first package.json, listing each folder on the way and reading and parsing the file it finds:
// a user's project's, or a FIFO that blocks forever. lwt sets its own version (main.ts), so the
// guess is only cost: 3-5 ms a start in a shallow folder (NOTES.md, 2026-11-23, seventh session).
// If yargs' text changes, the build stops here rather than quietly keep the walk.
const yargsNoVersionGuess = {
  name: 'yargs-no-version-guess',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]lib[\\/]yargs-factory\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const call = /^ *yargs\.version\(\);\n/m;
      if (!call.test(text)) {
        throw new Error(`${args.path}: no \`yargs.version();\` line; update yargsNoVersionGuess`);
      }
      return { contents: text.replace(call, ''), loader: 'js' };
    });
  },
};

// Start clean: earlier builds left a chunk a command, under hashed names.
rmSync('dist/cli-bundle', { recursive: true, force: true });

await build({
  entryPoints: ['src/cli/entry.ts'],
  outfile: 'dist/cli-bundle/lwt.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // ssh2's optional CPU probe is a native addon of its own; it stays a package.
  external: ['cpu-features'],
  plugins: [ssh2Binding, ssh2Crypto, yargsNoVersionGuess],
  // yargs measures its help text with string-width, whose start-up (Intl.Segmenter, emoji and
  // Unicode property tables) cost 50 ms of every run's 180 (`lwt run` with no input), help or
  // not: yargs renders and caches a command's help each time it runs one. fast-string-width
  // is a drop-in with the same answers for text like ours.
  alias: { 'string-width': 'fast-string-width' },
  // The ES modules inside find files next to themselves by import.meta.url (lwt-spawner, for
  // one); in a CommonJS file that is the bundle's own URL.
  define: { 'import.meta.url': '__lwtBundleUrl' },
  banner: { js: "const __lwtBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: true,
  logLevel: 'warning',
});

// What the bins require (src/cli/start.ts and the few modules it imports): CommonJS too, so
// that a start never loads Node's ES module loader (bin/package.json makes the bins CommonJS):
// 13-20 ms less CPU a start than importing dist/cli/start.js (NOTES.md, seventh session).
await build({
  entryPoints: ['src/cli/start.ts'],
  outfile: 'dist/cli-bundle/start.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  define: { 'import.meta.url': '__lwtStartUrl' },
  banner: { js: "const __lwtStartUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: true,
  logLevel: 'warning',
});
