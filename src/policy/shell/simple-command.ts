/**
 * One simple command, once its words are known: records it, then everything about it the
 * policy needs: risks (dynamic words, injected variables, builtins that change the shell,
 * inline code, git options, network), the files its arguments name, and the commands it runs
 * in turn (wrappers, shells, eval, find -exec, xargs, git), analysed the same way.
 */
import { ALTERS_SHELL, NETWORK_COMMANDS, SHELLS, altersShell, baseName, injectionReason } from './command-tables.ts';
import {
  MAX_DEPTH, addRisk, changeDirectory, pushCommand, same, snippet, unionCwd,
  type Collector, type Cwd, type Outcome, type Scope, type Stdin,
} from './context.ts';
import { analyseFind } from './find.ts';
import { checkGit, type GitReporter } from './git.ts';
import { checkAwk, checkCommandOptions, checkEvalSubcommand, checkInterpreter, checkSed } from './inline-code.ts';
import { recordArgumentPaths, reportPath, type PathContext } from './path-args.ts';
import { runShell } from './shell-invocation.ts';
import { recordSpecialPaths } from './special-paths.ts';
import { WRAPPERS } from './wrappers.ts';
import { literalWord, type Word } from './words.ts';

export interface Assignment {
  readonly name: string;
  readonly value: string | null;
}

export interface CommandInput {
  /** The command's words, name first; empty for a line of assignments only. */
  readonly words: readonly Word[];
  readonly assignments: readonly Assignment[];
  readonly text: string;
  readonly start: number;
}

export interface CommandEnv {
  readonly col: Collector;
  readonly scope: Scope;
  readonly cwd: Cwd;
  readonly stdin: Stdin;
  /** Analyses a nested script (`sh -c`, `eval`, a here-doc fed to a shell) and returns where it leaves the shell. */
  readonly script: (text: Word, scope: Scope, cwd: Cwd, stdin: Stdin) => Outcome;
}

const TERMINAL: Stdin = { kind: 'terminal' };
const DECLARING = new Set(['export', 'declare', 'typeset', 'readonly', 'local']);
const AWKS = new Set(['awk', 'gawk', 'mawk', 'nawk']);
const SEDS = new Set(['sed', 'gsed']);
/** Wrappers that run their command inside the same shell, so a `cd` through them counts. */
const IN_SHELL = new Set(['command', 'builtin']);

export function runSimpleCommand(input: CommandInput, env: CommandEnv): Outcome {
  const { col, scope, cwd } = env;
  const { words } = input;
  const argv = words.map((word) => word.value);
  const dynamicArgs = words.flatMap((word, index) => (word.dynamic ? [index] : []));
  pushCommand(col, scope, { argv, text: input.text, assignments: input.assignments, via: scope.via, dynamicArgs }, input.start);
  for (const word of words) if (word.unparsed) addRisk(col, 'unparsed', `a construct in ${snippet(word.source)} is not analysed`);
  for (const assignment of input.assignments) checkInjection(col, assignment.name, words.length > 0 ? `for ${argv[0] ?? ''}` : 'in this shell');
  const first = words[0];
  if (!first) return same(cwd);
  if (scope.depth > MAX_DEPTH) {
    addRisk(col, 'unparsed', `commands nested more than ${MAX_DEPTH} deep are not analysed`);
    return same(cwd);
  }
  if (first.dynamic || first.pattern) {
    const why = first.dynamic ? 'is only known when it runs' : 'is a glob pattern, so the program is whichever file matches';
    addRisk(col, 'dynamic-command', `the command name ${snippet(first.source)} ${why}`);
    return same(cwd);
  }
  const name = baseName(first.value);
  reportWordRisks(col, name, first, words);
  const pathCtx: PathContext = { col, cwd, placeholder: scope.placeholder };
  if (NETWORK_COMMANDS.has(name)) addRisk(col, 'network', `${name} reaches the network`);
  const altersReason = ALTERS_SHELL.get(name);
  if (altersReason !== undefined && altersShell(name, argv.slice(1))) addRisk(col, 'alters-shell', `${name}: ${altersReason}`);
  if (DECLARING.has(name)) for (const arg of argv.slice(1)) if (arg.includes('=')) checkInjection(col, arg.slice(0, arg.indexOf('=')), `exported by ${name}`);

  if (name === 'cd' || name === 'pushd' || name === 'popd') return changeDirectoryCommand(name, words, env, pathCtx);
  const unwrap = WRAPPERS[name];
  if (unwrap) return runWrapped(name, input, env, pathCtx, unwrap(words));
  if (SHELLS.has(name)) {
    runShell(name, words, { ...env, pathCtx, nested: (text, via) => nestedScript(env, text, via, TERMINAL) });
    return same(cwd);
  }
  if (name === 'eval') return runEval(words, env);
  if (name === 'trap') runTrap(words, env);
  if (name === 'find') runFind(words, env, pathCtx);
  if (name === 'fd' || name === 'fdfind') runFdExec(words, env);
  if (name === 'parallel') addRisk(col, 'dynamic-command', 'parallel runs commands built from its input and arguments');
  const reporter = makeReporter(env, pathCtx);
  if (name === 'git') checkGit(words, reporter);
  checkInterpreter(name, words, env.stdin, reporter);
  checkEvalSubcommand(name, words, reporter);
  if (AWKS.has(name)) checkAwk(name, words, reporter);
  if (SEDS.has(name)) checkSed(name, words, reporter);
  checkCommandOptions(name, words, reporter);
  recordArgumentPaths(name, words, pathCtx);
  recordSpecialPaths(name, words, pathCtx);
  return same(cwd);
}

function checkInjection(col: Collector, name: string, where: string): void {
  const reason = injectionReason(name);
  if (reason !== null) addRisk(col, 'env-injection', `${name} set ${where}: ${reason}`);
}

function reportWordRisks(col: Collector, name: string, first: Word, words: readonly Word[]): void {
  // Printable ASCII only: anything else in a command name can imitate another command.
  if (/[^\x21-\x7e]/.test(first.value)) addRisk(col, 'unusual-characters', `the command name ${JSON.stringify(first.value)} has non-ASCII, invisible or control characters and may imitate another command`);
  const dynamic = words.slice(1).filter((word) => word.dynamic);
  if (dynamic.length > 0) addRisk(col, 'dynamic-argument', `${name}: ${dynamic.map((word) => snippet(word.source, 40)).join(', ')} only known when it runs`);
}

function changeDirectoryCommand(name: string, words: readonly Word[], env: CommandEnv, pathCtx: PathContext): Outcome {
  if (name === 'popd') return { ok: null, any: null };
  const operands = words.slice(1).filter((word) => !/^-[LPe@]+$/.test(word.value));
  const target = operands[0];
  if (target === undefined) {
    if (name === 'pushd') return { ok: null, any: null };
    const home = changeDirectory(env.cwd, '~');
    return { ok: home, any: unionCwd(env.cwd, home) };
  }
  if (target.dynamic || target.pattern || target.value === '-' || /^[+-]\d+$/.test(target.value)) {
    if (target.dynamic || target.pattern) addRisk(env.col, 'dynamic-path', `${name}: the directory ${snippet(target.source)} is only known when it runs`);
    return { ok: null, any: null };
  }
  reportPath(pathCtx, target, 'read', `directory of ${name}`);
  const next = changeDirectory(env.cwd, target.value);
  return { ok: next, any: unionCwd(env.cwd, next) };
}

function runWrapped(name: string, input: CommandInput, env: CommandEnv, pathCtx: PathContext, unwrapped: ReturnType<NonNullable<(typeof WRAPPERS)[string]>>): Outcome {
  const { col, scope, cwd } = env;
  for (const [kind, detail] of unwrapped.risks) addRisk(col, kind, detail);
  for (const path of unwrapped.paths) reportPath(pathCtx, path.word, path.access, path.origin);
  if (unwrapped.altersShell) addRisk(col, 'alters-shell', `${name} without a command changes this shell's open files`);
  if (unwrapped.shellString !== null) {
    nestedScript(env, unwrapped.shellString, name, TERMINAL);
    return same(cwd);
  }
  if (unwrapped.inner === null) return same(cwd);
  let innerWords = input.words.slice(unwrapped.inner);
  const xargs = unwrapped.xargs;
  if (xargs !== null) {
    const token = xargs.placeholder;
    if (token === null) addRisk(col, 'dynamic-argument', `xargs gives ${innerWords[0]?.value ?? 'the command'} more arguments read from its input`);
    else innerWords = innerWords.map((word) => (word.value.includes(token) ? { ...word, dynamic: true } : word));
  }
  const assignments = unwrapped.assignments.map((word) => {
    const eq = word.value.indexOf('=');
    return { name: word.value.slice(0, eq), value: word.dynamic ? null : word.value.slice(eq + 1) };
  });
  const innerCwd = unwrapped.chdir === null ? cwd : unwrapped.chdir.dynamic ? null : changeDirectory(cwd, unwrapped.chdir.value);
  if (unwrapped.chdir !== null) reportPath(pathCtx, unwrapped.chdir, 'read', `directory of ${name}`);
  const innerScope: Scope = { ...scope, via: [...scope.via, name], depth: scope.depth + 1 };
  const text = innerWords.map((word) => word.source).join(' ');
  const outcome = runSimpleCommand({ words: innerWords, assignments, text, start: innerWords[0]?.start ?? input.start }, { ...env, scope: innerScope, cwd: innerCwd });
  return IN_SHELL.has(name) ? outcome : same(cwd);
}

function nestedScript(env: CommandEnv, text: Word, via: string, stdin: Stdin): Outcome {
  if (text.dynamic) {
    addRisk(env.col, 'dynamic-command', `${via} runs ${snippet(text.source)}, which is only known when it runs`);
    return same(env.cwd);
  }
  const scope: Scope = { via: [...env.scope.via, via], origin: [...env.scope.origin, text.start], depth: env.scope.depth + 1, placeholder: env.scope.placeholder };
  return env.script(text, scope, env.cwd, stdin);
}

function runEval(words: readonly Word[], env: CommandEnv): Outcome {
  const args = words.slice(1);
  const first = args[0];
  if (!first) return same(env.cwd);
  const text: Word = { ...first, value: args.map((word) => word.value).join(' '), source: args.map((word) => word.source).join(' '), dynamic: args.some((word) => word.dynamic) };
  return nestedScript(env, text, 'eval', env.stdin);
}

/** `trap 'cmd' EXIT`: the command runs later, in this shell, so it is analysed like any other. */
function runTrap(words: readonly Word[], env: CommandEnv): void {
  const action = words.slice(1).find((word) => !/^-[lp]*$/.test(word.value) && word.value !== '--');
  if (action && words.length > 2 && action.value !== '-' && action.value !== '') nestedScript(env, action, 'trap', TERMINAL);
}

function runFind(words: readonly Word[], env: CommandEnv, pathCtx: PathContext): void {
  const { col, scope, cwd } = env;
  const found = analyseFind(words);
  const roots = found.roots.length > 0 ? found.roots : [literalWord('.', words[0]?.start ?? 0)];
  for (const root of roots) reportPath(pathCtx, root, 'read', 'starting point of find');
  const under = roots.map((root) => ({ ...root, value: `${root.value.replace(/\/+$/, '')}/**`, pattern: true }));
  if (found.deletes) {
    addRisk(col, 'deletes-files', `find -delete deletes every file it matches under ${roots.map((root) => root.value).join(' ')}`);
    for (const path of under) reportPath(pathCtx, path, 'write', 'find -delete');
  }
  for (const word of found.writes) reportPath(pathCtx, word, 'write', 'output file of find');
  for (const word of found.reads) reportPath(pathCtx, word, 'read', 'file compared by find');
  const placeholderPaths = under.some((path) => path.dynamic) ? null : under.map((path) => path.value);
  for (const exec of found.execs) {
    const first = exec.words[0];
    if (!first) {
      addRisk(col, 'unparsed', `find ${exec.action} without a command`);
      continue;
    }
    const innerScope: Scope = { ...scope, via: [...scope.via, 'find'], depth: scope.depth + 1, placeholder: { token: '{}', paths: placeholderPaths, cwd } };
    const inDirectory = exec.action === '-execdir' || exec.action === '-okdir';
    const text = exec.words.map((word) => word.source).join(' ');
    runSimpleCommand({ words: exec.words, assignments: [], text, start: first.start }, { ...env, scope: innerScope, cwd: inDirectory ? null : cwd, stdin: TERMINAL });
  }
}

/** `fd … -x cmd` / `-X cmd` runs cmd for the files found, like find -exec. */
function runFdExec(words: readonly Word[], env: CommandEnv): void {
  const at = words.findIndex((word) => ['-x', '--exec', '-X', '--exec-batch'].includes(word.value));
  if (at === -1) return;
  const end = words.findIndex((word, index) => index > at && word.value === ';');
  const inner = words.slice(at + 1, end === -1 ? words.length : end);
  const first = inner[0];
  if (!first) return;
  const scope: Scope = { ...env.scope, via: [...env.scope.via, 'fd'], depth: env.scope.depth + 1, placeholder: { token: '{', paths: null, cwd: env.cwd } };
  runSimpleCommand({ words: inner, assignments: [], text: inner.map((word) => word.source).join(' '), start: first.start }, { ...env, scope, stdin: TERMINAL });
}

function makeReporter(env: CommandEnv, pathCtx: PathContext): GitReporter {
  return {
    risk: (kind, detail) => addRisk(env.col, kind, detail),
    path: (word, access, origin) => reportPath(pathCtx, word, access, origin),
    script: (text, via) => nestedScript(env, text, via, TERMINAL),
    command: (words, via) => {
      const first = words[0];
      if (!first) return;
      const scope: Scope = { ...env.scope, via: [...env.scope.via, via], depth: env.scope.depth + 1 };
      runSimpleCommand({ words, assignments: [], text: words.map((word) => word.source).join(' '), start: first.start }, { ...env, scope, stdin: TERMINAL });
    },
  };
}
