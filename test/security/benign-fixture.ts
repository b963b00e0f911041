/**
 * The project the benign suite works in: a small Node package (a `node --test` suite, a build
 * script that writes dist/ from src/, a stats script, a local CLI for npx) in a git repository
 * with three commits and some uncommitted work, the state a developer's checkout is usually in.
 *
 * Commits get fixed dates and an author from the repository's own .git/config, so the history
 * (and every hash in it) is the same in every copy: only commits a session makes differ.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_JSON = `${JSON.stringify(
  {
    name: 'benign-fixture',
    version: '1.0.0',
    private: true,
    type: 'module',
    scripts: { test: 'node --test', build: 'node scripts/build.js' },
  },
  null,
  2,
)}\n`;

const MATH_V1 = `export function add(a, b) {
  return a + b;
}
`;

const MATH_V2 = `export function add(a, b) {
  return a + b;
}

export function multiply(a, b) {
  return a * b;
}
`;

/** The uncommitted change the checkout starts with: `git diff` has something to show. */
const MATH_DIRTY = `${MATH_V2}
export function subtract(a, b) {
  return a - b;
}
`;

const GREET = `// TODO: translate the greeting
export function greet(name) {
  return \`Hello, \${name}!\`;
}
`;

const INDEX = `import { add, multiply } from './math.js';
import { greet } from './greet.js';

console.log(greet('ward'));
console.log(add(2, 3), multiply(2, 3));
`;

const TEST = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, multiply } from '../src/math.js';
import { greet } from '../src/greet.js';

test('add adds', () => {
  assert.equal(add(2, 3), 5);
});

test('multiply multiplies', () => {
  assert.equal(multiply(2, 3), 6);
});

test('greet greets', () => {
  assert.equal(greet('ward'), 'Hello, ward!');
});
`;

const BUILD = `import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

mkdirSync('dist', { recursive: true });
const files = readdirSync('src').filter((name) => name.endsWith('.js')).sort();
for (const name of files) {
  writeFileSync(\`dist/\${name}\`, \`// built from src/\${name}\\n\${readFileSync(\`src/\${name}\`, 'utf8')}\`);
}
console.log(\`built \${files.length} files into dist/\`);
`;

const STATS = `import { readdirSync, readFileSync } from 'node:fs';

for (const name of readdirSync('src').sort()) {
  const lines = readFileSync(\`src/\${name}\`, 'utf8').split('\\n').length - 1;
  console.log(\`\${name.padEnd(12)} \${lines} lines\`);
}
`;

const WORDS = ['pear', 'apple', 'fig', 'apple', 'pear', 'kiwi', 'apple', 'fig'].join('\n') + '\n';

const README = `# benign-fixture

Math helpers and a greeting, used by ward's benign test suite.
`;

/** A package installed in node_modules with a bin, so \`npx --no-install hello\` runs offline. */
const HELLO_PACKAGE = `${JSON.stringify({ name: 'hello-cli', version: '1.0.0', bin: { hello: 'bin.js' } }, null, 2)}\n`;
const HELLO_BIN = `#!/usr/bin/env node
console.log(\`hello from \${process.argv.slice(2).join(' ')}\`);
`;

/**
 * npm's update notifier asks the registry once in a while and prints a notice when it can: the
 * output would depend on the network and a per-user timestamp file, not on the command.
 */
const NPMRC = 'update-notifier=false\nfund=false\naudit=false\n';

function put(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

/** The environment fixture-building git runs with: no user or system config from this machine. */
function gitEnv(home: string, date: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    TZ: 'UTC',
  };
}

function git(root: string, home: string, date: string, ...args: string[]): void {
  const result = spawnSync('git', args, { cwd: root, env: gitEnv(home, date), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`fixture: git ${args.join(' ')} failed: ${result.stderr}`);
}

export interface FixtureOptions {
  /**
   * false: the repository has no .git/hooks folder, as with `git init --template=` or tools
   * that do not copy git's templates. Default true (what `git init` and `git clone` make).
   */
  readonly hooksFolder?: boolean;
}

/**
 * Writes the fixture project into `root` (which must not exist yet). `home` is an empty folder
 * used as HOME while building it, so nothing from the machine's git configuration leaks in.
 */
export function createBenignFixture(root: string, home: string, options: FixtureOptions = {}): void {
  mkdirSync(root, { recursive: true });
  const day = (n: number): string => `2024-03-0${n}T10:00:00+00:00`;

  git(root, home, day(1), 'init', '-q', '-b', 'main');
  git(root, home, day(1), 'config', 'user.name', 'Fixture Author');
  git(root, home, day(1), 'config', 'user.email', 'fixture@example.com');

  put(root, 'package.json', PACKAGE_JSON);
  put(root, '.gitignore', 'dist/\nnode_modules/\n');
  put(root, '.npmrc', NPMRC);
  put(root, 'README.md', README);
  put(root, 'src/math.js', MATH_V1);
  git(root, home, day(1), 'add', '-A');
  git(root, home, day(1), 'commit', '-q', '-m', 'Initial commit: math helpers');

  put(root, 'src/greet.js', GREET);
  put(root, 'src/index.js', INDEX);
  git(root, home, day(2), 'add', '-A');
  git(root, home, day(2), 'commit', '-q', '-m', 'Add a greeting');

  put(root, 'src/math.js', MATH_V2);
  put(root, 'test/math.test.js', TEST);
  put(root, 'scripts/build.js', BUILD);
  put(root, 'scripts/stats.js', STATS);
  put(root, 'data/words.txt', WORDS);
  git(root, home, day(3), 'add', '-A');
  git(root, home, day(3), 'commit', '-q', '-m', 'Add multiply, tests and the build script');

  // Work in progress, as a checkout usually has: a changed file and an untracked one.
  put(root, 'src/math.js', MATH_DIRTY);
  put(root, 'notes.txt', 'remember to add divide\n');

  // Installed dependencies are ignored by git, like any node_modules.
  put(root, 'node_modules/hello-cli/package.json', HELLO_PACKAGE);
  put(root, 'node_modules/hello-cli/bin.js', HELLO_BIN);
  chmodSync(join(root, 'node_modules/hello-cli/bin.js'), 0o755);
  mkdirSync(join(root, 'node_modules/.bin'));
  symlinkSync('../hello-cli/bin.js', join(root, 'node_modules/.bin/hello'));

  if (options.hooksFolder === false) rmSync(join(root, '.git', 'hooks'), { recursive: true });
}

/** The ids of every object in a repository, each with its type (commit, tree, blob, tag). */
export function repositoryObjects(root: string): Map<string, string> {
  const result = spawnSync('git', ['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`git cat-file failed in ${root}: ${result.stderr}`);
  const objects = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const [id, type] = line.split(' ');
    if (id !== undefined && type !== undefined) objects.set(id, type);
  }
  return objects;
}
