/**
 * Whether one simple command only reads: a conservative table for plan mode and for
 * explanations in auto mode. A command counts only when every word is static (an expansion
 * could add `-o file`), it runs nothing else, and no option makes it write or run programs.
 * Redirections are not part of a SimpleCommand: writes through `>` are in the analysis' paths,
 * which the caller checks too (isReadOnlyAnalysis does both).
 */
import { baseName } from './command-tables.ts';
import { awkRunsOrWrites } from './inline-code.ts';
import { parseOptions } from './options.ts';
import { scanSedScript } from './sed-script.ts';
import type { ShellAnalysis, SimpleCommand } from './types.ts';

type Check = (args: readonly string[]) => boolean;

const ALWAYS: Check = () => true;
/** No argument is one of these options (exactly, or with `=value`, or as a short cluster letter for one-letter ones). */
const without = (...options: string[]): Check => (args) => !args.some((arg) => options.some((option) => matchesOption(arg, option)));
const atMostOperands = (count: number, check: Check = ALWAYS): Check => (args) => args.filter((arg) => !arg.startsWith('-') || arg === '-').length <= count && check(args);
const onlyVersion: Check = (args) => args.length > 0 && args.every((arg) => ['--version', '-v', '-V', 'version', '--help', '-h'].includes(arg));

function matchesOption(arg: string, option: string): boolean {
  if (arg === option || arg.startsWith(`${option}=`)) return true;
  // A one-letter option can hide in a cluster: `sort -no out` has -o.
  return /^-[A-Za-z]$/.test(option) && /^-[A-Za-z]+/.test(arg) && !arg.startsWith('--') && arg.includes(option.slice(1));
}

const FIND_ACTIONS = ['-exec', '-execdir', '-ok', '-okdir', '-delete', '-fprint', '-fprint0', '-fprintf', '-fls'];

const READ_ONLY: Readonly<Record<string, Check>> = {
  ls: ALWAYS, cat: ALWAYS, head: ALWAYS, tail: ALWAYS, wc: ALWAYS, nl: ALWAYS, tac: ALWAYS, rev: ALWAYS, od: ALWAYS, hexdump: ALWAYS,
  grep: ALWAYS, egrep: ALWAYS, fgrep: ALWAYS, rg: without('--pre'),
  find: (args) => !args.some((arg) => FIND_ACTIONS.includes(arg)),
  pwd: ALWAYS, echo: ALWAYS, printf: without('-v'), which: ALWAYS, type: ALWAYS, whereis: ALWAYS, file: ALWAYS, stat: ALWAYS, du: ALWAYS, df: ALWAYS,
  env: (args) => args.every((arg) => arg === '-0' || arg === '--null'), printenv: ALWAYS,
  date: without('-s', '--set'), true: ALWAYS, false: ALWAYS, test: ALWAYS, '[': ALWAYS, ':': ALWAYS,
  sort: without('-o', '--output', '--compress-program', '-T', '--temporary-directory'), uniq: atMostOperands(1), cut: ALWAYS, tr: ALWAYS,
  diff: ALWAYS, cmp: ALWAYS, comm: ALWAYS, paste: ALWAYS, join: ALWAYS, column: ALWAYS, fold: ALWAYS, fmt: ALWAYS, expand: ALWAYS,
  jq: ALWAYS, basename: ALWAYS, dirname: ALWAYS, realpath: ALWAYS, readlink: ALWAYS, seq: ALWAYS, expr: ALWAYS, sleep: ALWAYS,
  md5sum: ALWAYS, sha1sum: ALWAYS, sha256sum: ALWAYS, sha512sum: ALWAYS, cksum: ALWAYS, b2sum: ALWAYS, base64: ALWAYS, base32: ALWAYS,
  strings: ALWAYS, xxd: atMostOperands(1, without('-r')), whoami: ALWAYS, id: ALWAYS, uname: ALWAYS, hostname: (args) => args.every((arg) => arg.startsWith('-') && !['-F', '--file', '-b', '--boot'].includes(arg)),
  uptime: ALWAYS, nproc: ALWAYS, free: ALWAYS, ps: ALWAYS, tree: without('-o'),
  awk: awkOnlyReads, gawk: awkOnlyReads, mawk: awkOnlyReads, nawk: awkOnlyReads,
  sed: (args) => !args.some((arg) => matchesOption(arg, '-i') || arg.startsWith('--in-place')) && sedScriptsOnlyRead(args),
  node: onlyVersion, npm: onlyVersion, python: onlyVersion, python3: onlyVersion, tsc: onlyVersion, cargo: onlyVersion, go: (args) => args[0] === 'version' || onlyVersion(args),
  ruby: onlyVersion, perl: onlyVersion, deno: onlyVersion, bun: onlyVersion, pnpm: onlyVersion, yarn: onlyVersion, rustc: onlyVersion, java: onlyVersion,
};

/** awk given its program on the command line (not -f), which neither runs commands nor writes files. */
function awkOnlyReads(args: readonly string[]): boolean {
  const parsed = parseOptions(['awk', ...args], 1, { withValue: new Set(['-F', '-v', '-f', '--file', '-e', '--source', '-i', '--include', '-l', '--load']) });
  if (parsed.options.some((option) => !['-F', '-v'].includes(option.name))) return false;
  const program = parsed.operands[0] === undefined ? undefined : args[parsed.operands[0] - 1];
  return program !== undefined && !awkRunsOrWrites(program);
}

/** sed's script is the first operand unless -e/-f; read-only when it has no w, e or unknown command. */
function sedScriptsOnlyRead(args: readonly string[]): boolean {
  const scripts: string[] = [];
  let fromFlags = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-e' || arg === '--expression') {
      scripts.push(args[i + 1] ?? '');
      fromFlags = true;
      i++;
    } else if (arg.startsWith('--expression=')) {
      scripts.push(arg.slice('--expression='.length));
      fromFlags = true;
    } else if (arg === '-f' || arg.startsWith('--file')) return false;
  }
  if (!fromFlags) {
    const first = args.find((arg) => !arg.startsWith('-'));
    if (first !== undefined) scripts.push(first);
  }
  return scripts.every((script) => {
    const effects = scanSedScript(script);
    return !effects.executes && !effects.unknown && effects.writes.length === 0;
  });
}

const GIT_ALWAYS = new Set(['status', 'diff', 'log', 'show', 'rev-parse', 'blame', 'ls-files', 'ls-tree', 'cat-file', 'shortlog', 'describe', 'rev-list', 'merge-base', 'show-ref', 'whatchanged', 'reflog', 'count-objects', 'var', 'check-ignore', 'name-rev', 'annotate', 'grep', 'version', 'help']);
/** Options of the always-read-only git subcommands that write files or run programs. */
const GIT_WRITING_OPTIONS = ['--output', '-O', '--open-files-in-pager', '--ext-diff', '--textconv', 'expire', 'delete'];

function gitReadOnly(allArgs: readonly string[]): boolean {
  // Only the pager switches may come before the subcommand; -c, -C and the rest make it not read-only.
  let start = 0;
  while (['--no-pager', '-P'].includes(allArgs[start] ?? '')) start++;
  const args = allArgs.slice(start);
  const [subcommand, ...rest] = args;
  if (subcommand === undefined || subcommand.startsWith('-')) return onlyVersion(args);
  if (GIT_ALWAYS.has(subcommand)) return !rest.some((arg) => GIT_WRITING_OPTIONS.some((option) => arg === option || arg.startsWith(`${option}=`)));
  const listing = (allowed: readonly string[]): boolean => rest.every((arg) => allowed.includes(arg.split('=')[0] ?? arg));
  switch (subcommand) {
    case 'branch':
      return listing(['-a', '--all', '-r', '--remotes', '-v', '-vv', '--verbose', '--list', '-l', '--show-current', '--contains', '--merged', '--no-merged', '--sort', '--format', '--color', '--no-color', '--column', '--no-column']);
    case 'tag':
      return rest.length === 0 || listing(['-l', '--list', '-n', '--sort', '--contains', '--merged', '--no-merged', '--format', '--points-at']) || (rest[0] === '-l' || rest[0] === '--list');
    case 'remote':
      return listing(['-v', '--verbose']) || (rest[0] === 'get-url' || rest[0] === 'show');
    case 'stash':
      return rest[0] === 'list' || rest[0] === 'show';
    case 'config':
      return rest.some((arg) => arg === '--get' || arg === '--get-all' || arg === '--list' || arg === '-l' || arg === '--get-regexp') || rest[0] === 'get' || rest[0] === 'list';
    case 'worktree':
      return rest[0] === 'list';
    default:
      return false;
  }
}

/** Whether `command` only reads, judged by a conservative table; unknown commands do not. */
export function isReadOnlyCommand(command: SimpleCommand): boolean {
  const [name, ...args] = command.argv;
  if (name === undefined || command.dynamicArgs.length > 0) return false;
  const base = baseName(name);
  if (base === 'git') return gitReadOnly(args);
  const check = READ_ONLY[base];
  return check !== undefined && check(args);
}

/** Paths only the harmless device files may be written to. */
const HARMLESS_WRITES = new Set(['/dev/null', '/dev/stdout', '/dev/stderr']);

/** A whole command line only reads: no risk, no write (but to /dev/null and friends), every command read-only. */
export function isReadOnlyAnalysis(analysis: ShellAnalysis): boolean {
  return (
    analysis.risks.length === 0 &&
    analysis.paths.every((path) => path.access === 'read' || HARMLESS_WRITES.has(path.path)) &&
    analysis.commands.every((command) => isReadOnlyCommand(command))
  );
}
