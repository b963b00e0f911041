// Lint rules that encode the architecture, not only style.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'demo/sample-project/**', 'test/fixtures/**'] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's test() and describe() are awaited by the runner itself.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }],
      }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/dist/**'], message: 'Import from src, never from build output.' }] }],
    },
  },
  {
    // Layering: a lower layer never imports a higher one.
    files: ['src/events/**', 'src/model/**', 'src/tools/**', 'src/policy/**', 'src/sandbox/**', 'src/session/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/agent/**', '../agent/*'], message: 'Lower layers must not import the agent loop.' },
        { group: ['**/cli/**', '../cli/*'], message: 'Lower layers must not import the CLI.' },
      ] }],
    },
  },
  {
    // The release gate stands alone: usable on any package, it knows nothing of the agent.
    files: ['src/release/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/agent/**', '../agent/*', '**/cli/**', '../cli/*', '**/model/**', '**/tools/**', '**/sandbox/**'], message: 'The release gate must not depend on the agent.' },
      ] }],
    },
  },
  {
    // Only the home module may read the user's home directory.
    files: ['src/**'],
    ignores: ['src/session/home.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "CallExpression[callee.property.name='homedir']",
        message: 'Resolve the home directory through src/session/home.ts only.',
      }],
    },
  },
  {
    files: ['test/**', 'bench/**', 'demo/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
