// One lint configuration for the whole tree: `pnpm lint` (and CI, through `pnpm test`).
// typescript-eslint's recommended rules plus the type-aware ones that catch what the compiler
// cannot: a promise nobody awaits (a write or an event lost without an error), a promise where a
// callback's result is ignored, an await on something that is not a promise.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/cdk.out/**', '**/dist/**', '**/.tap/**', '**/.local/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // tap runs a subtest whether or not its promise is awaited; `t.test(...)` at the top is how a file declares one.
        { allowForKnownSafeCalls: [{ from: 'package', name: ['test', 'todo', 'skip', 'only'], package: '@tapjs/test' }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      // A `let` a closure reads before its one assignment (a server started later, a stop hook) cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
)
