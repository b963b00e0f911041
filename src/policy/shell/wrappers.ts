/**
 * Commands that run another command given in their arguments (`sudo rm …`, `env X=1 git …`,
 * `timeout 5 curl …`, `xargs rm`): what the inner command is, so it is analysed and matched
 * against the rules on its own, and what the wrapper adds (privilege, variables, a directory,
 * arguments read from input).
 */
import { parseOptions, type OptionSpec, type ParsedOption } from './options.ts';
import { derivedWord, type Word } from './words.ts';

export interface Unwrapped {
  /** Index of the inner command's first word, or null when the wrapper runs nothing here. */
  readonly inner: number | null;
  /** Variables the wrapper sets for the inner command (`env NAME=value`). */
  readonly assignments: readonly Word[];
  readonly risks: readonly (readonly [kind: string, detail: string])[];
  readonly paths: readonly { readonly word: Word; readonly access: 'read' | 'write'; readonly origin: string }[];
  /** The inner command runs in this directory (`env -C dir`). */
  readonly chdir: Word | null;
  /** xargs: the inner command also gets arguments read from input; with -I, the string replaced by them. */
  readonly xargs: { readonly placeholder: string | null } | null;
  /** The inner command is one shell string run by `sh -c` (`watch 'cmd'`, `su -c 'cmd'`). */
  readonly shellString: Word | null;
  /** The wrapper alone changes the shell (`exec` with only redirections). */
  readonly altersShell: boolean;
}

const NOTHING: Unwrapped = { inner: null, assignments: [], risks: [], paths: [], chdir: null, xargs: null, shellString: null, altersShell: false };

type Unwrapper = (words: readonly Word[]) => Unwrapped;

function simple(spec: OptionSpec, extra?: (options: readonly ParsedOption[], words: readonly Word[]) => Partial<Unwrapped>, skipOperands = 0): Unwrapper {
  return (words) => {
    const parsed = parseOptions(words.map((word) => word.value), 1, { ...spec, stopAtOperand: true });
    let inner = parsed.operands[0] ?? null;
    if (inner !== null) inner = inner + skipOperands < words.length ? inner + skipOperands : null;
    return { ...NOTHING, inner, ...extra?.(parsed.options, words) };
  };
}

const set = (...names: string[]): ReadonlySet<string> => new Set(names);
/** The option's value as a word (the next word, or the option's own word with the attached value). */
const valueWord = (words: readonly Word[], option: ParsedOption): Word => derivedWord(words[option.valueIndex ?? option.index], option.value ?? '');

const SUDO_WITH_VALUE = set('-u', '--user', '-g', '--group', '-h', '--host', '-p', '--prompt', '-C', '--close-from', '-D', '--chdir', '-r', '--role', '-t', '--type', '-U', '--other-user', '-T', '--command-timeout', '-R', '--chroot');

function sudo(words: readonly Word[]): Unwrapped {
  const name = words[0]?.value ?? 'sudo';
  const parsed = parseOptions(words.map((word) => word.value), 1, { withValue: SUDO_WITH_VALUE, stopAtOperand: true });
  const risks: [string, string][] = [['privilege', `${name} runs a command as another user`]];
  const has = (...names: string[]): boolean => parsed.options.some((option) => names.includes(option.name));
  const first = parsed.operands[0] ?? null;
  if (has('-e', '--edit')) {
    const paths = parsed.operands.length === 0 ? [] : words.slice(first ?? words.length).map((word) => ({ word, access: 'write' as const, origin: 'sudoedit' }));
    return { ...NOTHING, risks, paths };
  }
  if (has('-s', '--shell', '-i', '--login')) {
    const shellString = first === null ? null : shellStringOf(words, first);
    if (shellString === null) return { ...NOTHING, risks: [...risks, ['dynamic-command', `${name} starts an interactive shell`]] };
    return { ...NOTHING, risks, shellString };
  }
  return { ...NOTHING, inner: first, risks };
}

const ENV_WITH_VALUE = set('-u', '--unset', '-C', '--chdir', '-S', '--split-string', '-a', '--argv0');

function env(words: readonly Word[]): Unwrapped {
  const values = words.map((word) => word.value);
  const parsed = parseOptions(values, 1, { withValue: ENV_WITH_VALUE, stopAtOperand: true });
  const risks: [string, string][] = [];
  let chdir: Word | null = null;
  for (const option of parsed.options) {
    if ((option.name === '-C' || option.name === '--chdir') && option.value !== null) chdir = valueWord(words, option);
    if (option.name === '-S' || option.name === '--split-string') risks.push(['unparsed', `env ${option.name} splits a string into a command, which is not analysed`]);
  }
  const assignments: Word[] = [];
  let at = parsed.operands[0] ?? null;
  for (let word = at === null ? undefined : words[at]; at !== null && word && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word.value); word = words[at]) {
    assignments.push(word);
    at++;
  }
  return { ...NOTHING, inner: at !== null && at < words.length ? at : null, assignments, risks, chdir };
}

const XARGS_WITH_VALUE = set('-I', '-n', '--max-args', '-P', '--max-procs', '-L', '--max-lines', '-s', '--max-chars', '-d', '--delimiter', '-E', '--eof', '-a', '--arg-file', '--process-slot-var');

function xargs(words: readonly Word[]): Unwrapped {
  const parsed = parseOptions(words.map((word) => word.value), 1, { withValue: XARGS_WITH_VALUE, optionalValue: set('-i', '-e', '-l'), stopAtOperand: true });
  let placeholder: string | null = null;
  const paths: Unwrapped['paths'][number][] = [];
  for (const option of parsed.options) {
    if (option.name === '-I' && option.value !== null) placeholder = option.value;
    if (option.name === '-i' || option.name === '--replace') placeholder = option.value ?? '{}';
    if ((option.name === '-a' || option.name === '--arg-file') && option.value !== null) paths.push({ word: valueWord(words, option), access: 'read', origin: 'option -a of xargs' });
  }
  return { ...NOTHING, inner: parsed.operands[0] ?? null, paths, xargs: { placeholder } };
}

function exec(words: readonly Word[]): Unwrapped {
  const parsed = parseOptions(words.map((word) => word.value), 1, { withValue: set('-a'), stopAtOperand: true });
  const inner = parsed.operands[0] ?? null;
  return { ...NOTHING, inner, altersShell: inner === null };
}

function command(words: readonly Word[]): Unwrapped {
  const parsed = parseOptions(words.map((word) => word.value), 1, { stopAtOperand: true });
  if (parsed.options.some((option) => option.name === '-v' || option.name === '-V')) return NOTHING;
  return { ...NOTHING, inner: parsed.operands[0] ?? null };
}

/** `watch [options] cmd…` and `su -c 'cmd'` run their command through `sh -c`. */
function shellStringOf(words: readonly Word[], from: number): Word | null {
  const rest = words.slice(from);
  const first = rest[0];
  if (!first) return null;
  return { ...first, value: rest.map((word) => word.value).join(' '), dynamic: rest.some((word) => word.dynamic) };
}

function watch(words: readonly Word[]): Unwrapped {
  const parsed = parseOptions(words.map((word) => word.value), 1, { withValue: set('-n', '--interval', '-q', '--equexit'), optionalValue: set('-d'), stopAtOperand: true });
  const first = parsed.operands[0];
  const isExec = parsed.options.some((option) => option.name === '-x' || option.name === '--exec');
  if (first === undefined) return NOTHING;
  return isExec ? { ...NOTHING, inner: first } : { ...NOTHING, shellString: shellStringOf(words, first) };
}

function su(words: readonly Word[]): Unwrapped {
  const parsed = parseOptions(words.map((word) => word.value), 1, { withValue: set('-c', '--command', '-s', '--shell', '-g', '--group', '-G', '--supp-group', '-w', '--whitelist-environment') });
  const risks: [string, string][] = [['privilege', 'su runs commands as another user']];
  const commandOption = parsed.options.find((option) => (option.name === '-c' || option.name === '--command') && option.value !== null);
  if (!commandOption) return { ...NOTHING, risks: [...risks, ['dynamic-command', 'su starts an interactive shell']] };
  return { ...NOTHING, risks, shellString: valueWord(words, commandOption) };
}

function time(words: readonly Word[]): Unwrapped {
  return simple({ withValue: set('-f', '--format', '-o', '--output') }, (options, all) => ({
    paths: options.filter((option) => (option.name === '-o' || option.name === '--output') && option.value !== null).map((option) => ({ word: valueWord(all, option), access: 'write' as const, origin: 'option -o of time' })),
  }))(words);
}

export const WRAPPERS: Readonly<Record<string, Unwrapper>> = {
  sudo, doas: (words) => {
    const parsed = parseOptions(words.map((word) => word.value), 1, { withValue: set('-u', '-C'), stopAtOperand: true });
    return { ...NOTHING, inner: parsed.operands[0] ?? null, risks: [['privilege', 'doas runs a command as another user']] };
  },
  env, xargs, exec, command, watch, su, time,
  nice: simple({ withValue: set('-n', '--adjustment') }),
  nohup: simple({}),
  builtin: simple({}),
  setsid: simple({}),
  unbuffer: simple({}),
  stdbuf: simple({ withValue: set('-i', '-o', '-e', '--input', '--output', '--error') }),
  ionice: simple({ withValue: set('-c', '--class', '-n', '--classdata', '-p', '--pid', '-P', '--pgid', '-u', '--uid') }),
  timeout: simple({ withValue: set('-s', '--signal', '-k', '--kill-after') }, undefined, 1),
  coproc: simple({}),
  busybox: simple({}),
};
