/**
 * Interpreters given code on the command line (`python -c`, `node -e`, `perl -e`, …) or on
 * their standard input, awk programs that run commands or write files, sed scripts with `e` or
 * `w`, and options of other tools that name a program to run (tar --to-command, rsync -e,
 * ssh -o ProxyCommand, vim -c). Such code can do anything, so each is a risk; the script file
 * an interpreter runs is reported as a read.
 */
import { parseOptions } from './options.ts';
import { scanSedScript } from './sed-script.ts';
import type { Stdin } from './context.ts';
import { derivedWord, type Word } from './words.ts';

export interface Reporter {
  risk(kind: string, detail: string): void;
  path(word: Word, access: 'read' | 'write', origin: string): void;
}

interface Interpreter {
  /** Options whose value (or the rest of the word) is code. */
  readonly code: readonly string[];
  /** Single-dash clusters containing one of these letters carry code: `perl -lne '…'`. */
  readonly codeLetters?: string;
  /** Other options that take a value, so it is not mistaken for the script. */
  readonly withValue?: readonly string[];
  /** Options after which the rest is a module name, not a script or code (python -m). */
  readonly module?: readonly string[];
  /** The first operand is a subcommand (`bun test`), not a script file. */
  readonly subcommands?: boolean;
}

const PYTHON: Interpreter = { code: ['-c'], codeLetters: 'c', withValue: ['-W', '-X', '-Q'], module: ['-m'] };
const NODE: Interpreter = {
  code: ['-e', '--eval', '-p', '--print'], codeLetters: 'ep',
  withValue: ['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--input-type', '--env-file', '--title', '--stack-size'],
};
const PERL: Interpreter = { code: ['-e', '-E'], codeLetters: 'eE', withValue: ['-I', '-M', '-m', '-x', '-i'] };
const RUBY: Interpreter = { code: ['-e'], codeLetters: 'e', withValue: ['-I', '-r', '-C', '-E', '-x'] };

const INTERPRETERS: Readonly<Record<string, Interpreter>> = {
  node: NODE, nodejs: NODE, bun: { ...NODE, subcommands: true }, perl: PERL, ruby: RUBY,
  php: { code: ['-r', '-R', '-B', '-E'], codeLetters: 'rRBE', withValue: ['-c', '-d', '-z'] },
  lua: { code: ['-e'], codeLetters: 'e', withValue: ['-l'] }, luajit: { code: ['-e'], codeLetters: 'e', withValue: ['-l'] },
  Rscript: { code: ['-e'] }, R: { code: ['-e'] }, julia: { code: ['-e', '-E', '--eval', '--print'] }, osascript: { code: ['-e'] },
  pwsh: { code: ['-c', '-command', '-Command', '-e', '-ec', '-EncodedCommand', '-encodedcommand'] },
  powershell: { code: ['-c', '-command', '-Command', '-e', '-ec', '-EncodedCommand', '-encodedcommand'] },
  groovy: { code: ['-e'] }, elixir: { code: ['-e', '--eval'] }, tclsh: { code: [] }, jshell: { code: [] },
};

export function interpreterFor(name: string): Interpreter | null {
  if (/^(python|pypy)(\d+(\.\d+)*)?$/.test(name)) return PYTHON;
  return INTERPRETERS[name] ?? null;
}

/** Risks and script paths of one interpreter invocation. */
export function checkInterpreter(name: string, words: readonly Word[], stdin: Stdin, report: Reporter): void {
  const interpreter = interpreterFor(name);
  if (interpreter === null) return;
  for (let i = 1; i < words.length; i++) {
    const value = words[i]?.value ?? '';
    if (value === '--' || !value.startsWith('-') || value === '-') {
      if (value === '--') i++;
      const script = words[i];
      if (script && script.value !== '-') {
        if (interpreter.subcommands) return;
        if (script.processSubstitution || script.dynamic) report.risk('inline-code', `${name} runs the script ${shorten(script.source)}, which is only known when it runs`);
        report.path(script, 'read', `script run by ${name}`);
      }
      else if (stdin.kind !== 'terminal') report.risk('inline-code', `${name} runs code read from its input`);
      return;
    }
    const eq = value.indexOf('=');
    const option = eq === -1 ? value : value.slice(0, eq);
    if (interpreter.module?.includes(option)) return;
    const code = codeOf(interpreter, words, i);
    if (code !== null) {
      report.risk('inline-code', `${name} ${option} runs code given on the command line: ${shorten(code)}`);
      return;
    }
    if (interpreter.withValue?.includes(option) && eq === -1) i++;
  }
  if (stdin.kind !== 'terminal') report.risk('inline-code', `${name} runs code read from its input`);
}

/** The code an option at `i` carries, or null when it is not a code option. */
function codeOf(interpreter: Interpreter, words: readonly Word[], i: number): string | null {
  const value = words[i]?.value ?? '';
  const next = words[i + 1]?.value ?? '';
  const eq = value.indexOf('=');
  if (value.startsWith('--') && eq !== -1 && interpreter.code.includes(value.slice(0, eq))) return value.slice(eq + 1);
  if (interpreter.code.includes(value)) return next;
  const letters = interpreter.codeLetters;
  if (letters && /^-[A-Za-z]+/.test(value) && !value.startsWith('--')) {
    for (let at = 1; at < value.length; at++) {
      if (letters.includes(value[at] ?? '')) return value.slice(at + 1) || next;
    }
  }
  return null;
}

/** `deno eval CODE`, `bun eval`: code as a subcommand argument. */
export function checkEvalSubcommand(name: string, words: readonly Word[], report: Reporter): void {
  if ((name === 'deno' || name === 'bun') && words[1]?.value === 'eval') {
    report.risk('inline-code', `${name} eval runs code given on the command line: ${shorten(words[2]?.value ?? '')}`);
  }
}

const AWK_WITH_VALUE = new Set(['-F', '--field-separator', '-v', '--assign', '-f', '--file', '-e', '--source', '-i', '--include', '-l', '--load']);

/** awk programs that run commands (`system()`, pipes, getline from a command) or write files (print > f). */
export function checkAwk(name: string, words: readonly Word[], report: Reporter): void {
  const parsed = parseOptions(words.map((word) => word.value), 1, { withValue: AWK_WITH_VALUE });
  const sources = parsed.options.filter((option) => (option.name === '-e' || option.name === '--source') && option.value !== null).map((option) => option.value ?? '');
  const fromFile = parsed.options.some((option) => option.name === '-f' || option.name === '--file');
  if (!fromFile && sources.length === 0) {
    const first = parsed.operands[0];
    const program = first === undefined ? undefined : words[first];
    if (program) sources.push(program.dynamic ? '\0dynamic' : program.value);
  }
  for (const program of sources) {
    if (program === '\0dynamic') report.risk('inline-code', `${name} runs a program only known when it runs`);
    else if (awkRunsOrWrites(program)) report.risk('inline-code', `${name} program runs commands or writes files: ${shorten(program)}`);
  }
}

/** Whether an awk program can run commands (`system()`, pipes, getline) or write files (`print > f`). */
export function awkRunsOrWrites(program: string): boolean {
  const withoutOr = program.replace(/\|\|/g, ' ');
  return /\bsystem\s*\(/.test(program) || withoutOr.includes('|') || /\bgetline\b/.test(program) || /\bprintf?\b[^;{}\n]*>/.test(program);
}

const SED_WITH_VALUE = new Set(['-e', '--expression', '-f', '--file', '-l', '--line-length']);

/** sed scripts with `e` (runs commands), `w` (writes files) or `r` (reads files). */
export function checkSed(name: string, words: readonly Word[], report: Reporter): void {
  const parsed = parseOptions(words.map((word) => word.value), 1, { withValue: SED_WITH_VALUE, optionalValue: new Set(['-i']) });
  if (parsed.options.some((option) => option.name === '--sandbox')) return;
  const scriptOptions = parsed.options.filter((option) => option.name === '-e' || option.name === '--expression');
  const scripts: { text: string; word: Word }[] = scriptOptions.map((option) => ({ text: option.value ?? '', word: derivedWord(words[option.valueIndex ?? option.index], option.value ?? '') }));
  const fromFile = parsed.options.some((option) => option.name === '-f' || option.name === '--file');
  if (scripts.length === 0 && !fromFile) {
    const first = parsed.operands[0];
    const word = first === undefined ? undefined : words[first];
    if (word) scripts.push({ text: word.value, word });
  }
  for (const { text, word } of scripts) {
    if (word.dynamic) {
      report.risk('inline-code', `${name} runs a script only known when it runs`);
      continue;
    }
    const effects = scanSedScript(text);
    if (effects.executes) report.risk('inline-code', `${name} script runs shell commands (e): ${shorten(text)}`);
    if (effects.unknown) report.risk('inline-code', `${name} script could not be fully read: ${shorten(text)}`);
    for (const file of effects.writes) report.path({ ...word, value: file }, 'write', `w command of ${name}`);
    for (const file of effects.reads) report.path({ ...word, value: file }, 'read', `r command of ${name}`);
  }
}

/** Options of other tools whose value is a program they run. */
const COMMAND_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  tar: ['--to-command', '--checkpoint-action', '--use-compress-program', '-I', '--rsh-command', '--info-script', '-F', '--new-volume-script'],
  rsync: ['-e', '--rsh', '--rsync-path'],
  vim: ['-c', '--cmd', '-S'], vi: ['-c', '--cmd', '-S'], nvim: ['-c', '--cmd', '-S'], view: ['-c', '--cmd'],
  emacs: ['--eval', '-l', '--load', '-f', '--funcall'],
  man: ['-P', '--pager', '-H', '--html'],
  rg: ['--pre'],
  zip: ['-TT', '--unzip-command'],
};
const SSH_COMMAND_KEYS = /^(ProxyCommand|LocalCommand|PermitLocalCommand|KnownHostsCommand|Match|RemoteCommand)\b/i;

export function checkCommandOptions(name: string, words: readonly Word[], report: Reporter): void {
  const options = COMMAND_OPTIONS[name];
  for (let i = 1; i < words.length; i++) {
    const value = words[i]?.value ?? '';
    if (options?.some((option) => optionMatches(option, value))) {
      report.risk('inline-code', `${name} ${value.split('=')[0] ?? value} names a program or code it runs`);
    }
    if ((name === 'vim' || name === 'vi' || name === 'nvim') && value.startsWith('+') && value.length > 1) {
      report.risk('inline-code', `${name} ${shorten(value)} runs an editor command`);
    }
    if (name === 'ssh' || name === 'scp' || name === 'sftp') {
      const setting = value === '-o' ? (words[i + 1]?.value ?? '') : value.startsWith('-o') ? value.slice(2) : null;
      if (setting !== null && SSH_COMMAND_KEYS.test(setting.trim())) report.risk('inline-code', `${name} -o ${shorten(setting)} runs a local command`);
      if (name === 'scp' && (value === '-S' || (value.startsWith('-S') && value.length > 2))) report.risk('inline-code', 'scp -S names a program it runs');
    }
  }
}

/** `--opt`, `--opt=x`, and for one-letter options the attached form `-Ix`. */
function optionMatches(option: string, value: string): boolean {
  if (value === option || value.startsWith(`${option}=`)) return true;
  return /^-[A-Za-z]$/.test(option) && value.startsWith(option) && !value.startsWith('--');
}

export function shorten(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
