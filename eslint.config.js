import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * lwt's layers, top first: a module may import from its own layer and the layers below it,
 * never from one above (NOTES.md, 2026-12-03, says why this order). `index.ts` at the root is
 * the public API, for the CLI and programs; usage-error.ts and json-object-file.ts at the root
 * are below every layer.
 */
const LAYERS = [
  'demo',
  'cli',
  'testing',
  'report',
  'health',
  'fleet',
  'files',
  'run',
  'transport',
  'pool',
  'hosts',
  'outcome',
];

/**
 * One block per layer and folder depth: an import path that climbs to src/ and goes down into
 * a higher layer (or to the root index.ts) is refused with a message that says which way
 * layers point. Relative paths are matched as written, so each depth gets its own pattern.
 */
const layerRules = LAYERS.flatMap((layer, rank) => {
  const above = LAYERS.slice(0, rank);
  return [1, 2].map((depth) => {
    const up = `(\\.\\./){${depth}}`;
    return {
      files: [`src/${layer}/${'*/'.repeat(depth - 1)}*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              ...(above.length > 0
                ? [
                    {
                      regex: `^${up}(${above.join('|')})/`,
                      message: `${layer}/ is below ${above.join(', ')}: layers import only downwards (${LAYERS.join(' > ')}).`,
                    },
                  ]
                : []),
              ...(rank > 1
                ? [
                    {
                      regex: `^${up}index\\.js$`,
                      message: `the root index.ts is the public API for the CLI and programs; import the module itself.`,
                    },
                  ]
                : []),
            ],
          },
        ],
      },
    };
  });
});

const { bin: bins } = JSON.parse(readFileSync(join(import.meta.dirname, 'package.json'), 'utf8'));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // The bins (scripts/make-bins.mjs writes them) are CommonJS (bin/package.json says so to
    // Node). Named one by one: ESLint lints a file without an extension only when a pattern
    // that does not end in `*` names it.
    files: Object.values(bins),
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...layerRules,
);
