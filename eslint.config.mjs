// ESLint for the whole repository, run by `npm run lint` and by `npm test` (the `check` suite).
// typescript-eslint's type-checked rules are the point: they see what tsc accepts but is still a bug,
// above all a promise nobody awaits (an error that vanishes, a test assertion that never runs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Rules about promises, for every file that has types (TypeScript, and the JS scripts through checkJs).
 * @type {import('eslint').Linter.RulesRecord}
 */
const promiseRules = {
  // A promise neither awaited nor handled: its rejection is lost, and the code after it runs too
  // early. Fire-and-forget is written `void p` and only where p handles its own errors.
  '@typescript-eslint/no-floating-promises': 'error',
  // An async function where a void callback is expected (event handlers, forEach): nobody awaits
  // it, so its rejection is unhandled.
  '@typescript-eslint/no-misused-promises': 'error',
  // `await` on something that is not a promise is a misunderstanding of the API.
  '@typescript-eslint/await-thenable': 'error',
};

export default tseslint.config(
  // What .gitignore keeps out (build output, caches such as the tests' Milvus Lite venv), and fixtures.
  { ignores: ['node_modules/', 'dist/', 'out/', 'test-results/', '.cache/', '.vscode-test/', 'test/fixtures/'] },
  // An eslint-disable comment that no longer disables anything is itself reported.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // One program for every TypeScript file (tsconfig.eslint.json): about half the time and memory of
      // a program per tsconfig. Each environment's own tsconfig is checked by tsc (`npm run typecheck`).
      parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      ...promiseRules,
      // Inside try/catch/finally, `return p` leaves before p settles: the catch never sees its error
      // and the finally runs too early.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // A switch over a union must handle every member; a new member then shows where it is missing.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Off: an async method that awaits nothing is how a synchronous implementation fulfils an async
      // interface (embedders, stores, fakes). The bug this rule hunts, a forgotten await, is a floating
      // promise and no-floating-promises reports it.
      '@typescript-eslint/require-await': 'off',
      // Passing on an error of unknown type as it came (`reject(e)` in a promise adapter) is as
      // legitimate as rethrowing it, which only-throw-error allows; a literal non-Error is still reported.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // `const { secret: _omit, ...rest } = obj` is how a key is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // Product code stays readable in one sitting: a file past 300 lines is usually two concerns, a
    // function past 60 lines a sequence of steps that deserve names. Blank lines and comments count.
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 300 }],
      'max-lines-per-function': ['error', { max: 60 }],
    },
  },
  {
    // Tests, fakes and benchmarks: every promise rule above holds (an un-awaited assertion is a test
    // that cannot fail). The no-unsafe-* rules do not: tests read JSON.parse results, required CommonJS
    // modules and recorded calls as `any`, and their assertions check those values at run time; a cast
    // to quiet the rule would add no check, only noise.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Tests load CommonJS build scripts that have no typings with require().
      '@typescript-eslint/no-require-imports': 'off',
      // Tests match source text, indentation included: `/\n  const d/` reads better than `/\n {2}const d/`.
      'no-regex-spaces': 'off',
    },
  },
  {
    // Build and test scripts in plain JavaScript, typed through scripts/tsconfig.json (checkJs).
    // Without annotations most of their values are `any`, so only the promise rules apply.
    files: ['**/*.mjs', '**/*.cjs'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: './scripts/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      ...promiseRules,
      // TypeScript (checkJs) reports undefined names, with Node's globals known.
      'no-undef': 'off',
    },
  },
  {
    rules: {
      // `==` converts types; `x == null` (null or undefined) is the one idiom kept.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // A body without braces invites the second statement that silently falls outside the if.
      curly: 'error',
    },
  },
);
