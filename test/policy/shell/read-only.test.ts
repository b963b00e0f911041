// The conservative read-only table used by plan mode and auto-mode explanations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeShell, initShellParser, isReadOnlyAnalysis, isReadOnlyCommand } from '../../../src/policy/shell/analyze.ts';

await initShellParser();

function firstCommandReadOnly(command: string): boolean {
  const first = analyzeShell(command).commands[0];
  assert.ok(first, `${command} has a command`);
  return isReadOnlyCommand(first);
}

const READ_ONLY = [
  'ls -la src', 'cat package.json', 'head -n 20 README.md', 'tail -5 log', 'wc -l a b', 'grep -rn TODO src', 'rg foo', 'find . -name "*.ts"',
  'git status', 'git diff --stat HEAD~1 -- src/', 'git log --oneline -5', 'git show HEAD', 'git branch', 'git branch -a -v', 'git rev-parse HEAD',
  'git blame src/x.ts', 'git ls-files', 'git --no-pager log', 'git config --get user.name', 'git remote -v', 'git stash list', 'git tag', 'pwd',
  'echo hi', 'which node', 'file x', 'stat x', 'du -sh .', 'df -h', 'env', 'printenv HOME', 'date', 'true', 'false', 'test -f x',
  'sort data', 'uniq data', 'cut -d: -f1 f', 'tr a-z A-Z', 'diff a b', 'cmp a b', 'jq . package.json', 'node --version', 'npm --version',
  "sed -n '1,5p' f", "awk '{print $1}' f", 'sha256sum f', 'xxd f', 'basename a/b', 'uname -a',
];

const NOT_READ_ONLY = [
  'rm x', 'npm test', 'npm install', 'node script.js', 'git commit -m x', 'git push', 'git checkout main', 'git branch new-feature', 'git branch -D old',
  'git tag v1', 'git config user.name x', 'git -c core.pager=x log', 'git -C other status', 'git diff --output=x', 'git stash', 'find . -delete',
  'find . -exec rm {} \\;', 'find . -fprint out', 'sort -o out in', 'sort -no out in', 'uniq in out', 'sed -i s/a/b/ f', "sed 'w out' f",
  "sed 's/a/b/e' f", 'env rm x', 'date -s 2020-01-01', 'printf -v x hi', 'xxd -r dump bin', 'rg --pre cat x', 'tree -o out', 'mkdir d', 'touch f',
  'cat $F', 'ls $(pwd)', 'curl x', 'python3 -c 1', 'make', 'hostname newname',
];

test('commands that only read are read-only', () => {
  for (const command of READ_ONLY) assert.equal(firstCommandReadOnly(command), true, command);
});

test('commands that write, run programs or have unknown words are not', () => {
  for (const command of NOT_READ_ONLY) assert.equal(firstCommandReadOnly(command), false, command);
});

test('a whole line is read-only only when every part is, with no risk and no write', () => {
  assert.equal(isReadOnlyAnalysis(analyzeShell('git status && git diff | head -50')), true);
  assert.equal(isReadOnlyAnalysis(analyzeShell('ls 2>/dev/null | sort')), true);
  assert.equal(isReadOnlyAnalysis(analyzeShell('echo hi > out.txt')), false);
  assert.equal(isReadOnlyAnalysis(analyzeShell('git status; rm -rf x')), false);
  assert.equal(isReadOnlyAnalysis(analyzeShell('cat f | sh')), false);
  assert.equal(isReadOnlyAnalysis(analyzeShell('export A=1; ls')), false);
  assert.equal(isReadOnlyAnalysis(analyzeShell('ls $(rm x)')), false);
});
