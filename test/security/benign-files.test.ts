/**
 * Benign suite, files and the shell: listing, reading, searching, and changing files inside
 * the project, a scratch file in /tmp, and a working directory that carries over between
 * calls, in auto mode, in the sandbox, without a prompt and with the same results as outside it.
 */
import { benignSession } from './benign-session.ts';

/** A scratch file named in /tmp; the pid keeps parallel runs of the suite (host side) apart. */
const SCRATCH = `/tmp/ward-benign-scratch-${process.pid}.txt`;

benignSession('benign files: looking around', [
  { command: 'ls', shows: /^README\.md\ndata\nnode_modules\nnotes\.txt\npackage\.json\nscripts\nsrc\ntest$/ },
  { command: 'ls -A', shows: /^\.git\n\.gitignore\n\.npmrc\nREADME\.md/ },
  { command: 'ls -la src', shows: /greet\.js\n.*index\.js\n.*math\.js$/, normalize: ['ls-times'] },
  { command: 'cat package.json', shows: /"test": "node --test"/ },
  { command: 'head -5 src/math.js', shows: /^export function add\(a, b\) \{\n {2}return a \+ b;\n\}\n\nexport function multiply/ },
  { command: 'wc -l src/*.js', shows: /20 total$/ },
  { command: "find src -name '*.js'", shows: /src\/math\.js/ },
  { command: "rg -n --sort path 'export function' src", shows: /src\/math\.js:9:export function subtract/ },
  { command: 'grep -rn TODO src', shows: /^src\/greet\.js:1:\/\/ TODO: translate the greeting$/ },
  { command: 'sed -n 1,3p src/greet.js', shows: /^\/\/ TODO: translate the greeting\nexport function greet\(name\) \{\n/ },
  { command: 'sort data/words.txt | uniq -c', shows: /^ {6}3 apple\n {6}2 fig\n {6}1 kiwi\n {6}2 pear$/ },
  { command: 'sort data/words.txt > data/sorted.txt', shows: /^$/ },
  { command: 'diff data/words.txt data/sorted.txt', exit: 1, shows: /^1d0\n< pear\n[\s\S]*> kiwi/ },
]);

benignSession('benign files: changing things', [
  { command: 'mkdir -p build/tmp', shows: /^$/ },
  { command: "echo 'generated' > build/tmp/out.txt", shows: /^$/ },
  { command: 'cp README.md build/README.copy.md', shows: /^$/ },
  { command: 'mv notes.txt build/notes.txt', shows: /^$/ },
  { command: 'touch build/tmp/empty.txt', shows: /^$/ },
  { command: 'rm build/tmp/out.txt', shows: /^$/ },
  { command: 'ls -R build', shows: /^build:\nREADME\.copy\.md\nnotes\.txt\ntmp\n\nbuild\/tmp:\nempty\.txt$/ },
  { command: 'tar czf build/src.tar.gz src', shows: /^$/ },
  { command: 'tar tzf build/src.tar.gz', shows: /^src\/\n[\s\S]*src\/math\.js/ },
  { command: 'tmp=$(mktemp) && echo scratch > "$tmp" && cat "$tmp" && rm "$tmp"', shows: /^scratch$/ },
  // The sandbox's /tmp is its own (private to the session), so this stays inside it as much as the line above.
  { command: `sort data/words.txt > ${SCRATCH} && uniq ${SCRATCH} && rm ${SCRATCH}`, shows: /^apple\nfig\nkiwi\npear$/ },
  { command: 'git status --short', shows: /^ M src\/math\.js\n\?\? build\/$/ },
  { command: 'cd src && ls', shows: /^greet\.js\nindex\.js\nmath\.js$/ },
  { command: 'pwd', shows: /^<project>\/src$/ },
  { command: 'ls ../build', shows: /^README\.copy\.md\nnotes\.txt\nsrc\.tar\.gz\ntmp$/ },
]);
