/**
 * Commands whose file arguments do not fit the table in path-args.ts: `dd if= of=`, `tar`
 * (which way depends on the mode letter), curl's `@file` values, and `uniq`/`xxd`, whose
 * second operand is an output file.
 */
import { parseOptions } from './options.ts';
import { reportPath, type PathContext } from './path-args.ts';
import { derivedWord, literalWord, type Word } from './words.ts';

export function recordSpecialPaths(name: string, words: readonly Word[], ctx: PathContext): void {
  switch (name) {
    case 'dd':
      for (const word of words.slice(1)) {
        if (word.value.startsWith('if=')) reportPath(ctx, { ...word, value: word.value.slice(3) }, 'read', 'if= of dd');
        if (word.value.startsWith('of=')) reportPath(ctx, { ...word, value: word.value.slice(3) }, 'write', 'of= of dd');
      }
      return;
    case 'tar':
    case 'bsdtar':
    case 'gtar':
      tarPaths(name, words, ctx);
      return;
    case 'curl':
      curlDataPaths(words, ctx);
      return;
    case 'uniq':
    case 'xxd':
      inputOutputPaths(name, words, ctx);
      return;
  }
}

const TAR_WITH_VALUE = new Set([
  '-f', '--file', '-C', '--directory', '-T', '--files-from', '-X', '--exclude-from', '-b', '--blocking-factor', '-H', '--format',
  '-g', '--listed-incremental', '-N', '--newer', '--exclude', '--transform', '--owner', '--group', '--mode', '--mtime', '-V', '--label',
  '-I', '--use-compress-program', '-F', '--info-script', '--to-command', '--checkpoint-action', '--rsh-command', '-K', '--starting-file',
]);

function tarPaths(name: string, words: readonly Word[], ctx: PathContext): void {
  // Old style `tar czf out.tgz dir`: the first word is a cluster of option letters without a dash.
  const values = words.map((word) => word.value);
  const first = values[1];
  const oldStyle = first !== undefined && !first.startsWith('-') && /^[A-Za-z]+$/.test(first);
  const normalized = oldStyle ? [values[0] ?? name, `-${first}`, ...values.slice(2)] : values;
  const parsed = parseOptions(normalized, 1, { withValue: TAR_WITH_VALUE });
  const has = (...names: string[]): boolean => parsed.options.some((option) => names.includes(option.name));
  const creates = has('-c', '--create', '-r', '--append', '-u', '--update', '-A', '--catenate', '--concatenate', '--delete');
  const extracts = has('-x', '--extract', '--get');
  const wordAt = (index: number | null, option: { value: string | null; index: number }): Word => {
    const word = index === null ? undefined : words[index];
    return word ?? derivedWord(words[option.index], option.value ?? '');
  };
  let directory: Word | null = null;
  for (const option of parsed.options) {
    if (option.value === null) continue;
    const word = wordAt(option.valueIndex, option);
    if (option.name === '-f' || option.name === '--file') reportPath(ctx, word, creates ? 'write' : 'read', `archive of ${name}`);
    else if (option.name === '-C' || option.name === '--directory') directory = word;
    else if (['-T', '--files-from', '-X', '--exclude-from', '-g', '--listed-incremental'].includes(option.name)) reportPath(ctx, word, 'read', `option ${option.name} of ${name}`);
  }
  if (extracts) {
    const into = directory ?? literalWord('.', 0);
    reportPath(ctx, { ...into, pattern: true, value: `${into.value.replace(/\/$/, '')}/**` }, 'write', `extraction folder of ${name}`);
    return;
  }
  if (!creates) return;
  for (const index of parsed.operands) {
    const word = words[index];
    if (!word) continue;
    // Operands are read relative to -C when it is given.
    const value = directory !== null && !word.value.startsWith('/') && !word.value.startsWith('~') ? `${directory.value}/${word.value}` : word.value;
    reportPath(ctx, { ...word, value, dynamic: word.dynamic || (directory?.dynamic ?? false) }, 'read', `argument of ${name}`);
  }
}

const CURL_DATA = new Set(['-d', '--data', '--data-binary', '--data-ascii', '--data-urlencode', '--json', '-F', '--form', '-b', '--cookie']);

/** `-d @file`, `--data-urlencode name@file`, `-F field=@file` / `field=<file`, `-b cookiefile` read local files. */
function curlDataPaths(words: readonly Word[], ctx: PathContext): void {
  const values = words.map((word) => word.value);
  const withValue = new Set([...CURL_DATA, '-o', '--output', '-H', '--header', '-X', '--request', '-u', '--user', '-x', '--proxy', '-A', '-e', '-w', '-K', '--config', '-T', '-D', '-c', '-m', '-r', '-E', '-Y', '-y']);
  const parsed = parseOptions(values, 1, { withValue });
  for (const option of parsed.options) {
    if (!CURL_DATA.has(option.name) || option.value === null) continue;
    const file = dataFile(option.name, option.value);
    if (file === null || file === '-') continue;
    reportPath(ctx, derivedWord(words[option.valueIndex ?? option.index], file), 'read', `option ${option.name} of curl`);
  }
}

function dataFile(option: string, value: string): string | null {
  if (option === '-b' || option === '--cookie') return value.includes('=') ? null : value;
  if (option === '-F' || option === '--form') {
    const match = /^[^=]*=[@<]([^;]*)/.exec(value);
    return match?.[1] ?? null;
  }
  if (option === '--data-urlencode') {
    const at = value.indexOf('@');
    return at === -1 || value.slice(0, at).includes('=') ? null : value.slice(at + 1);
  }
  return value.startsWith('@') ? value.slice(1) : null;
}

function inputOutputPaths(name: string, words: readonly Word[], ctx: PathContext): void {
  const withValue = name === 'uniq' ? new Set(['-f', '-s', '-w', '--skip-fields', '--skip-chars', '--check-chars']) : new Set(['-c', '-g', '-l', '-o', '-s', '-n', '--cols', '--len', '--seek']);
  const parsed = parseOptions(words.map((word) => word.value), 1, { withValue });
  const [input, output] = parsed.operands.map((index) => words[index]);
  if (input) reportPath(ctx, input, 'read', `argument of ${name}`);
  if (output) reportPath(ctx, output, 'write', `output of ${name}`);
}
