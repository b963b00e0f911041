/**
 * A shell started by the command line (`sh -c '…'`, `bash script.sh`, `bash <<EOF`,
 * `curl … | sh`): its script is analysed like the command line itself when it is written out;
 * a script file is a read; commands it reads from a pipe or a terminal are unknown, so a risk.
 */
import { addRisk, type Collector, type Cwd, type Outcome, type Stdin } from './context.ts';
import { reportPath, type PathContext } from './path-args.ts';
import type { Word } from './words.ts';

export interface ShellEnv {
  readonly col: Collector;
  readonly cwd: Cwd;
  readonly stdin: Stdin;
  readonly pathCtx: PathContext;
  readonly nested: (text: Word, via: string) => Outcome;
}

/** Long options of bash that take a file. */
const FILE_OPTIONS = new Set(['--rcfile', '--init-file']);

export function runShell(name: string, words: readonly Word[], env: ShellEnv): void {
  const { col } = env;
  let commandMode = false;
  let stdinMode = false;
  let i = 1;
  while (i < words.length) {
    const value = words[i]?.value ?? '';
    if (value === '--' || value === '-') {
      i++;
      if (value === '-') stdinMode = true;
      break;
    }
    if (value.startsWith('--')) {
      const next = words[i + 1];
      if (FILE_OPTIONS.has(value) && next) reportPath(env.pathCtx, next, 'read', `option ${value} of ${name}`);
      i += FILE_OPTIONS.has(value) ? 2 : 1;
      continue;
    }
    if (!/^[-+][A-Za-z]+$/.test(value)) break;
    const letters = value.slice(1);
    if (value.startsWith('-') && letters.includes('c')) commandMode = true;
    if (letters.includes('s')) stdinMode = true;
    // -o/-O (and +o/+O) take the option name as the next word.
    i += /[oO]/.test(letters) ? 2 : 1;
  }
  if (name === 'fish') addRisk(col, 'unparsed', 'fish scripts are analysed as bash, which fish syntax is not');
  if (commandMode) {
    const script = words[i];
    if (!script) addRisk(col, 'unparsed', `${name} -c without a command`);
    else env.nested(script, name);
    return;
  }
  const scriptFile = words[i];
  if (!stdinMode && scriptFile) {
    // `bash <(curl …)` and `bash "$f"` run a script nobody can read beforehand.
    if (scriptFile.processSubstitution || scriptFile.dynamic) addRisk(col, 'dynamic-command', `${name} runs the script ${scriptFile.source}, which is only known when it runs`);
    reportPath(env.pathCtx, scriptFile, 'read', `script run by ${name}`);
    return;
  }
  readsCommandsFromInput(name, env);
}

function readsCommandsFromInput(name: string, env: ShellEnv): void {
  const stdin = env.stdin;
  switch (stdin.kind) {
    case 'text': {
      // A here-doc's expansions are only known when it runs, but the rest of it is code worth
      // reading: commands in it still meet the rules (a deny on `rm` still sees `rm`).
      if (stdin.dynamic) addRisk(env.col, 'dynamic-command', `${name} runs a here-document or here-string whose expansions are only known when it runs`);
      const text: Word = { value: stdin.text, source: stdin.text, start: stdin.start, dynamic: false, pattern: false, processSubstitution: false, unparsed: false };
      env.nested(text, name);
      return;
    }
    case 'pipe':
      addRisk(env.col, 'dynamic-command', `${name} runs commands read from a pipe, which are only known when it runs`);
      return;
    case 'file':
      return;
    case 'terminal':
      addRisk(env.col, 'dynamic-command', `${name} starts a shell that reads commands from its input`);
      return;
  }
}
