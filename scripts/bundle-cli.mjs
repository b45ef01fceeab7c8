// Part of `npm run build`: bundles the CLI (src/cli/entry.ts and what it imports, yargs
// included) into dist/cli-bundle/, one chunk per command so that each loads only its own
// code, as src/cli/main.ts intends. tsc still builds dist/ for the library and its types.
// Why: loading ~150 separate ES modules cost about 0.1 s of CPU at every start, half of what
// `lwt exec` on one host costs; measured in NOTES.md (2026-11-23, third session).
// ssh2 stays outside: it loads a native binding by a path relative to its own files.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/entry.ts'],
  outdir: 'dist/cli-bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['ssh2', 'cpu-features'],
  // yargs measures its help text with string-width, whose start-up (Intl.Segmenter, emoji and
  // Unicode property tables) cost 50 ms of every run's 180 (`lwt run` with no input), help or
  // not: yargs renders and caches a command's help each time it runs one. fast-string-width
  // is a drop-in with the same answers for text like ours.
  alias: { 'string-width': 'fast-string-width' },
  sourcemap: true,
  // Bundled CommonJS modules call require() for Node's own modules; ES modules have none.
  banner: {
    js: "import { createRequire as __lwtRequire } from 'node:module'; const require = __lwtRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
