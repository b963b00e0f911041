// Every part of a compound command is found, in source order, with quoting and escapes resolved.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeShell, initShellParser } from '../../../src/policy/shell/analyze.ts';
import { runCases } from './cases.ts';

await initShellParser();

runCases('lists and pipelines', [
  { command: 'ls -la', argv: [['ls', '-la']], paths: [], risks: [] },
  { command: 'git status && git diff', argv: [['git', 'status'], ['git', 'diff']], risks: [] },
  { command: 'make || echo failed', argv: [['make'], ['echo', 'failed']], risks: [] },
  { command: 'a; b & c', argv: [['a'], ['b'], ['c']], risks: [] },
  { command: 'cat f | sort | uniq -c', argv: [['cat', 'f'], ['sort'], ['uniq', '-c']], paths: ['read f'], risks: [] },
  { command: 'npm test |& tee log.txt', argv: [['npm', 'test'], ['tee', 'log.txt']], paths: ['write log.txt'], risks: [] },
  { command: '! grep -q x f', argv: [['grep', '-q', 'x', 'f']], paths: ['read f'], risks: [] },
  { command: 'npm install\nnpm test\n', argv: [['npm', 'install'], ['npm', 'test']], risks: [], name: 'newline-separated commands' },
  { command: 'ls # rm -rf /', argv: [['ls']], paths: [], risks: [], name: 'a comment hides nothing' },
  { command: 'git commit \\\n  -m "msg"', argv: [['git', 'commit', '-m', 'msg']], risks: [], name: 'line continuation' },
]);

runCases('groups, subshells and substitutions', [
  { command: '(cd sub && make)', argv: [['cd', 'sub'], ['make']], paths: ['read sub'], risks: [] },
  { command: '{ echo a; echo b; } > out', argv: [['echo', 'a'], ['echo', 'b']], paths: ['write out'], risks: [] },
  { command: 'echo $(whoami)', argv: [['echo', '$(whoami)'], ['whoami']], risks: ['dynamic-argument'] },
  { command: 'echo `id`', argv: [['echo', '`id`'], ['id']], risks: ['dynamic-argument'] },
  { command: 'echo "$(date)" && ls', argv: [['echo', '$(date)'], ['date'], ['ls']], risks: ['dynamic-argument'], name: 'source order' },
  { command: 'diff <(ls a) <(ls b)', argv: [['diff', '<(ls a)', '<(ls b)'], ['ls', 'a'], ['ls', 'b']], paths: ['read a', 'read b'], risks: [] },
  { command: 'tee >(gzip > out.gz) < in', argv: [['tee', '>(gzip > out.gz)'], ['gzip']], paths: ['read in', 'write out.gz'], risks: [] },
  { command: 'echo ${x:-$(rm y)}', argv: [['echo', '${x:-$(rm y)}'], ['rm', 'y']], paths: ['write y'], risks: ['dynamic-argument'] },
  { command: 'echo $((1 + $(id -u)))', argv: [['echo', '$((1 + $(id -u)))'], ['id', '-u']], risks: ['dynamic-argument'] },
  { command: '[[ $(id) == root ]] && echo yes', argv: [['id'], ['echo', 'yes']], risks: [] },
  { command: 'FOO=$(rm -rf /)', argv: [['rm', '-rf', '/']], paths: ['write /'], risks: ['alters-shell'] },
  { command: 'a=(one $(two))', argv: [['two']], risks: ['alters-shell'] },
  { command: 'echo "$(echo "$(rm z)")"', argv: [['echo', '$(echo "$(rm z)")'], ['echo', '$(rm z)'], ['rm', 'z']], paths: ['write z'], risks: ['dynamic-argument'] },
]);

runCases('here-documents and here-strings', [
  { command: 'cat <<EOF > f.txt\nhello\nEOF', argv: [['cat']], paths: ['write f.txt'], risks: [] },
  { command: "cat <<'EOF'\n$(rm x)\nEOF", argv: [['cat']], paths: [], risks: [], name: 'quoted here-doc expands nothing' },
  { command: 'cat <<EOF\n$(rm x) `id`\nEOF', argv: [['cat'], ['rm', 'x'], ['id']], paths: ['write x'], risks: [], name: 'unquoted here-doc runs its substitutions' },
  { command: 'grep foo <<< "$x"', argv: [['grep', 'foo']], risks: [] },
  { command: 'bash <<< "rm x"', argv: [['bash'], ['rm', 'x']], via: [[], ['bash']], paths: ['write x'], risks: [] },
  { command: "sh <<'EOF'\ncd /tmp\nrm -rf build\nEOF", argv: [['sh'], ['cd', '/tmp'], ['rm', '-rf', 'build']], paths: ['read /tmp', 'write /tmp/build', 'write build'], risks: [], name: 'a cd that may fail leaves both directories possible' },
  { command: 'bash <<-EOF\n\trm $HOME/x\n\tEOF', argv: [['bash'], ['rm', '$HOME/x']], risks: ['dynamic-argument', 'dynamic-command', 'dynamic-path'] },
]);

runCases('control flow and functions', [
  { command: 'if [ -f x ]; then rm x; elif true; then :; else echo no; fi', argv: [['rm', 'x'], ['true'], [':'], ['echo', 'no']], paths: ['write x'], risks: [] },
  { command: 'while read line; do echo "$line"; done < input.txt', argv: [['read', 'line'], ['echo', '$line']], paths: ['read input.txt'], risks: ['dynamic-argument'] },
  { command: 'for f in *.ts; do wc -l "$f"; done', argv: [['wc', '-l', '$f']], risks: ['dynamic-argument', 'dynamic-path'] },
  { command: 'for i in $(seq 3); do echo $i; done', argv: [['seq', '3'], ['echo', '$i']], risks: ['dynamic-argument'] },
  { command: 'case "$1" in start) npm start;; *) echo usage;; esac', argv: [['npm', 'start'], ['echo', 'usage']], risks: [] },
  { command: 'until false; do sleep 1; done', argv: [['false'], ['sleep', '1']], risks: [] },
  { command: 'for ((i=0; i<3; i++)); do echo $(rm q); done', argv: [['echo', '$(rm q)'], ['rm', 'q']], risks: ['dynamic-argument'], paths: ['write q'] },
  { command: 'build() { npm run build; }; build', argv: [['npm', 'run', 'build'], ['build']], risks: ['alters-shell'] },
  { command: 'function ls { rm -rf x; }; ls', argv: [['rm', '-rf', 'x'], ['ls']], risks: ['alters-shell'], paths: ['write x'] },
  { command: 'for PATH in /tmp/evil; do npm test; done', argv: [['npm', 'test']], risks: ['env-injection'] },
]);

runCases('quoting and escapes', [
  { command: "echo 'a b' \"c d\" e\\ f", argv: [['echo', 'a b', 'c d', 'e f']], risks: [] },
  { command: '\\rm -rf x', argv: [['rm', '-rf', 'x']], paths: ['write x'] },
  { command: "r''m -rf x", argv: [['rm', '-rf', 'x']], paths: ['write x'] },
  { command: '"r"m x', argv: [['rm', 'x']] },
  { command: "$'\\x72m' x", argv: [['rm', 'x']], paths: ['write x'] },
  { command: "$'\\162\\155' x", argv: [['rm', 'x']], name: 'octal escapes' },
  { command: "$'\\u0072m' x", argv: [['rm', 'x']], name: 'unicode escapes' },
  { command: "echo $'a\\tb\\n'", argv: [['echo', 'a\tb\n']] },
  { command: 'echo "a\\"b\\$c\\q"', argv: [['echo', 'a"b$c\\q']] },
  { command: "echo 'it'\\''s'", argv: [['echo', "it's"]] },
  { command: 'echo ~/x "~/y"', argv: [['echo', '~/x', '~/y']], risks: [] },
]);

runCases('dynamic commands', [
  { command: '$CMD arg', argv: [['$CMD', 'arg']], risks: ['dynamic-command'] },
  { command: '"$(which rm)" -rf /', argv: [['$(which rm)', '-rf', '/'], ['which', 'rm']], risks: ['dynamic-command'] },
  { command: '${EDITOR:-vi} file', risks: ['dynamic-command'] },
  { command: 'x=rm; $x -rf y', argv: [['$x', '-rf', 'y']], risks: ['alters-shell', 'dynamic-command'] },
]);

runCases('what cannot be parsed is a risk', [
  { command: 'echo "unterminated', risks: ['unparsed'] },
  { command: 'ls )', argv: [['ls']], risks: ['unparsed'] },
  { command: 'if true; then', risksInclude: ['unparsed'], name: 'missing fi' },
  { command: 'cat <> f', risksInclude: ['unparsed'] },
  { command: 'ls\0; rm -rf /', risksInclude: ['unparsed'], name: 'NUL byte' },
  { command: 'echo \ud800', risksInclude: ['unparsed'], name: 'lone surrogate' },
  { command: 'ls\u200b -la', risksInclude: ['unusual-characters'], name: 'zero-width space' },
  { command: 'echo "\u202eevil"', risksInclude: ['unusual-characters'], name: 'bidi override' },
  { command: 'echo a\x1b[2Jb', risksInclude: ['unusual-characters'], name: 'terminal escape' },
  { command: '\uff52\uff4d -rf /', argv: [['\uff52\uff4d', '-rf', '/']], risks: ['unusual-characters'], name: 'fullwidth homoglyph rm' },
  { command: '\u0435cho hi', risks: ['unusual-characters'], name: 'Cyrillic e in echo' },
]);

test('500 chained commands are all reported, the last one included', () => {
  const analysis = analyzeShell(`${'true && '.repeat(499)}rm -rf /`);
  assert.equal(analysis.commands.length, 500);
  assert.deepEqual(analysis.commands.at(-1)?.argv, ['rm', '-rf', '/']);
  assert.deepEqual(analysis.paths.map((path) => `${path.access} ${path.path}`), ['write /']);
});

test('3000 commands of every separator are all reported', () => {
  const separators = [';', '&&', '||', '|', '&', '\n'];
  const parts = Array.from({ length: 3000 }, (_, i) => `echo ${i} ${separators[i % separators.length] ?? ';'}`);
  const analysis = analyzeShell(`${parts.join(' ')} rm -rf ~`);
  assert.equal(analysis.commands.length, 3001);
  assert.deepEqual(analysis.commands[1234]?.argv, ['echo', '1234']);
  assert.deepEqual(analysis.commands.at(-1)?.argv, ['rm', '-rf', '~']);
});

test('nesting deeper than the analyser follows is a risk, never a crash', () => {
  for (const [open, close] of [['$(', ')'], ['( ', ' )'], ['{ ', '; }'], ['"$(', ')"'], ['echo $(', ')']] as const) {
    const analysis = analyzeShell(`${open.repeat(2000)}ls${close.repeat(2000)}`);
    assert.ok(analysis.risks.some((risk) => risk.kind === 'unparsed'), `${open} nested 2000 deep must be a risk`);
  }
});

test('input that is not text is a risk, not an exception', () => {
  const analysis = analyzeShell(undefined as unknown as string);
  assert.deepEqual(analysis.commands, []);
  assert.deepEqual(analysis.risks.map((risk) => risk.kind), ['unparsed']);
});

test('each command carries its source text and leading assignments', () => {
  const analysis = analyzeShell('FOO=1 BAR="$x" make -j4 > log');
  const [make] = analysis.commands;
  assert.equal(make?.text, 'FOO=1 BAR="$x" make -j4');
  assert.deepEqual(make?.assignments, [{ name: 'FOO', value: '1' }, { name: 'BAR', value: null }]);
  assert.deepEqual(make?.dynamicArgs, []);
});

test('dynamic arguments keep their source text and are listed by index', () => {
  const [echo] = analyzeShell('echo a "$HOME/x" b $(id)').commands;
  assert.deepEqual(echo?.argv, ['echo', 'a', '$HOME/x', 'b', '$(id)']);
  assert.deepEqual(echo?.dynamicArgs, [2, 4]);
});
