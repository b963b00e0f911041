/**
 * Which arguments of common commands are files, and whether the command reads or writes them,
 * so the path rules apply to what `cat`, `cp`, `rm`, `curl -o` and friends touch. One table of
 * command -> how its arguments are paths, plus a generic pass over long options that name
 * files (`--env-file x`, `--output=x`, `--data=@x`) for commands the table does not know.
 */
import { addPath, type Collector, type Cwd, type Placeholder } from './context.ts';
import { parseOptions, type ParsedArgs } from './options.ts';
import { derivedWord, type Word } from './words.ts';

type Access = 'read' | 'write';

interface PathSpec {
  /**
   * copy: sources read, last operand written; move: all written; link: targets read, last
   * written; archive: the first operand written, the rest read (zip OUT FILES…).
   */
  readonly operands: Access | 'copy' | 'move' | 'link' | 'archive' | 'none';
  /** Leading operands that are not paths: a pattern, a mode, an owner, a program. */
  readonly skipFirst?: number;
  /** Given any of these, no operand is skipped (grep -e PATTERN, sed -e SCRIPT, chmod --reference). */
  readonly noSkipWith?: readonly string[];
  /** Options with a value that is not a path. */
  readonly withValue?: readonly string[];
  /** Options whose value is a path. */
  readonly pathOptions?: Readonly<Record<string, Access>>;
  /** Options that turn the operands into writes (sed -i). */
  readonly writeWith?: readonly string[];
  /** `name=value` operands are assignments, not files (awk). */
  readonly skipAssignments?: boolean;
}

const READ: PathSpec = { operands: 'read' };
const WRITE: PathSpec = { operands: 'write' };
const COPY_OPTIONS: Pick<PathSpec, 'withValue' | 'pathOptions'> = {
  withValue: ['-S', '--suffix', '-m', '--mode', '-o', '--owner', '-g', '--group', '--backup', '--sparse', '--reflink', '--preserve'],
  pathOptions: { '-t': 'write', '--target-directory': 'write' },
};
const GREP: PathSpec = {
  operands: 'read', skipFirst: 1, noSkipWith: ['-e', '--regexp', '-f', '--file'],
  withValue: ['-A', '-B', '-C', '-m', '--max-count', '--include', '--exclude', '--exclude-dir', '-d', '-D', '--label', '--color', '--colour', '-e', '--regexp'],
  pathOptions: { '-f': 'read', '--file': 'read', '--exclude-from': 'read' },
};
const RIPGREP: PathSpec = {
  operands: 'read', skipFirst: 1, noSkipWith: ['-e', '--regexp', '-f', '--file', '--files', '--type-list'],
  withValue: ['-A', '-B', '-C', '-m', '--max-count', '-g', '--glob', '--iglob', '-t', '--type', '-T', '--type-not', '-M', '--max-columns', '-j', '--threads', '-d', '--max-depth', '-E', '--encoding', '-e', '--regexp', '--type-add', '-r', '--replace', '--sort', '--sortr', '--color', '--colors', '--context-separator', '--field-match-separator', '--path-separator', '--pre-glob', '--max-filesize', '-g'],
  pathOptions: { '-f': 'read', '--file': 'read', '--ignore-file': 'read' },
};
const SED: PathSpec = {
  operands: 'read', skipFirst: 1, noSkipWith: ['-e', '--expression', '-f', '--file'],
  withValue: ['-e', '--expression', '-l', '--line-length'], pathOptions: { '-f': 'read', '--file': 'read' },
  writeWith: ['-i', '--in-place'],
};
const AWK: PathSpec = {
  operands: 'read', skipFirst: 1, noSkipWith: ['-f', '--file', '-e', '--source'], skipAssignments: true,
  withValue: ['-F', '--field-separator', '-v', '--assign', '-e', '--source'], pathOptions: { '-f': 'read', '--file': 'read' },
};

const TABLE: Readonly<Record<string, PathSpec>> = {
  cat: READ, tac: READ, nl: READ, od: READ, strings: READ, file: READ, stat: READ, ls: READ, tree: { operands: 'read', pathOptions: { '-o': 'write' }, withValue: ['-L', '-P', '-I', '--charset', '--filelimit'] },
  head: { operands: 'read', withValue: ['-n', '--lines', '-c', '--bytes'] }, tail: { operands: 'read', withValue: ['-n', '--lines', '-c', '--bytes', '-s', '--sleep-interval', '--pid'] },
  less: READ, more: READ, wc: READ, du: { operands: 'read', withValue: ['-d', '--max-depth', '-B', '--block-size', '-t', '--threshold', '--exclude'] },
  diff: READ, cmp: READ, comm: READ, paste: READ, join: READ, md5sum: READ, sha1sum: READ, sha256sum: READ, sha512sum: READ, cksum: READ,
  b2sum: READ, base64: READ, base32: READ, bat: READ, readlink: READ, realpath: READ, column: READ, fold: READ, fmt: READ, expand: READ,
  unexpand: READ, rev: READ, hexdump: READ, cut: { operands: 'read', withValue: ['-b', '-c', '-f', '-d', '--delimiter', '--bytes', '--characters', '--fields', '--output-delimiter'] },
  sort: { operands: 'read', withValue: ['-k', '--key', '-t', '--field-separator', '-S', '--buffer-size', '--parallel'], pathOptions: { '-o': 'write', '--output': 'write', '-T': 'write', '--temporary-directory': 'write', '--files0-from': 'read' } },
  iconv: { operands: 'read', withValue: ['-f', '--from-code', '-t', '--to-code'], pathOptions: { '-o': 'write', '--output': 'write' } },
  source: READ, '.': READ,
  tee: WRITE, rm: WRITE, rmdir: WRITE, unlink: WRITE, shred: { operands: 'write', withValue: ['-n', '--iterations', '-s', '--size', '--random-source'] },
  truncate: { operands: 'write', withValue: ['-s', '--size'], pathOptions: { '-r': 'read', '--reference': 'read' } },
  touch: { operands: 'write', withValue: ['-d', '--date', '-t'], pathOptions: { '-r': 'read', '--reference': 'read' } },
  mkdir: { operands: 'write', withValue: ['-m', '--mode', '--context'] },
  chmod: { operands: 'write', skipFirst: 1, noSkipWith: ['--reference'], pathOptions: { '--reference': 'read' } },
  chown: { operands: 'write', skipFirst: 1, noSkipWith: ['--reference'], pathOptions: { '--reference': 'read' } },
  chgrp: { operands: 'write', skipFirst: 1, noSkipWith: ['--reference'], pathOptions: { '--reference': 'read' } },
  cp: { operands: 'copy', ...COPY_OPTIONS }, install: { operands: 'copy', ...COPY_OPTIONS }, mv: { operands: 'move', ...COPY_OPTIONS },
  ln: { operands: 'link', ...COPY_OPTIONS },
  grep: GREP, egrep: GREP, fgrep: GREP, rg: RIPGREP, sed: SED, gsed: SED, awk: AWK, gawk: AWK, mawk: AWK, nawk: AWK,
  jq: { operands: 'read', skipFirst: 1, noSkipWith: ['-f', '--from-file'], withValue: ['--indent', '--tab'], pathOptions: { '-f': 'read', '--from-file': 'read' } },
  wget: {
    operands: 'none', withValue: ['-t', '--tries', '-T', '--timeout', '-U', '--user-agent', '--header', '--user', '--password', '-e', '--execute', '-l', '--level', '-w', '--wait'],
    pathOptions: {
      '-O': 'write', '--output-document': 'write', '-o': 'write', '--output-file': 'write', '-a': 'write', '--append-output': 'write',
      '-P': 'write', '--directory-prefix': 'write', '-i': 'read', '--input-file': 'read', '--post-file': 'read', '--body-file': 'read',
      '--load-cookies': 'read', '--save-cookies': 'write', '--ca-certificate': 'read', '--certificate': 'read', '--private-key': 'read',
    },
  },
  curl: {
    operands: 'none',
    withValue: ['-H', '--header', '-X', '--request', '-A', '--user-agent', '-e', '--referer', '-u', '--user', '-x', '--proxy', '-m', '--max-time', '--connect-timeout', '-w', '--write-out', '-r', '--range', '--retry', '-d', '--data', '--data-binary', '--data-raw', '--data-ascii', '--data-urlencode', '--json', '-F', '--form', '--form-string', '-b', '--cookie', '--url', '-Y', '-y', '--resolve', '--connect-to'],
    pathOptions: {
      '-o': 'write', '--output': 'write', '-D': 'write', '--dump-header': 'write', '-c': 'write', '--cookie-jar': 'write', '--trace': 'write',
      '--trace-ascii': 'write', '--stderr': 'write', '-T': 'read', '--upload-file': 'read', '-K': 'read', '--config': 'read', '--cacert': 'read',
      '-E': 'read', '--cert': 'read', '--key': 'read', '--netrc-file': 'read', '--proxy-cacert': 'read',
    },
  },
  scp: { operands: 'copy', withValue: ['-P', '-o', '-c', '-l', '-S', '-J'], pathOptions: { '-i': 'read', '-F': 'read' } },
  rsync: { operands: 'copy', withValue: ['-e', '--rsh', '--exclude', '--include', '--filter', '-f', '--chmod', '--port', '--timeout', '--rsync-path'], pathOptions: { '--exclude-from': 'read', '--include-from': 'read', '--files-from': 'read', '--password-file': 'read', '--log-file': 'write' } },
  ssh: { operands: 'none', pathOptions: { '-i': 'read', '-F': 'read', '-E': 'write' } },
  unzip: { operands: 'read', pathOptions: { '-d': 'write' }, withValue: ['-x'] },
  zip: { operands: 'archive', withValue: ['-x', '-i', '-b', '-n', '-P', '--password'] },
  gzip: WRITE, gunzip: WRITE, bzip2: WRITE, bunzip2: WRITE, xz: WRITE, unxz: WRITE, zstd: WRITE,
  patch: { operands: 'write', withValue: ['-p', '--strip', '-F', '--fuzz', '-z', '--suffix'], pathOptions: { '-i': 'read', '--input': 'read', '-o': 'write', '--output': 'write', '-d': 'read', '--directory': 'read' } },
  split: { operands: 'read', withValue: ['-l', '--lines', '-b', '--bytes', '-C', '--line-bytes', '-n', '--number', '-a', '--suffix-length', '--additional-suffix'] },
  make: { operands: 'none', withValue: ['-j', '--jobs', '-l', '-o', '-W'], pathOptions: { '-f': 'read', '--file': 'read', '--makefile': 'read', '-C': 'read', '--directory': 'read' } },
};

/** Where a path argument came from, for reasons. */
export interface PathContext {
  readonly col: Collector;
  readonly cwd: Cwd;
  readonly placeholder: Placeholder | null;
}

/** Records the paths a command's arguments name, by the table and by the generic long-option pass. */
export function recordArgumentPaths(name: string, words: readonly Word[], ctx: PathContext): void {
  const spec = TABLE[name];
  if (spec) applySpec(name, spec, words, ctx);
  genericOptionPaths(name, words, ctx);
}

/** Records one path, expanding a find/xargs placeholder into what it stands for. */
export function reportPath(ctx: PathContext, word: Word, access: Access, origin: string): void {
  const placeholder = ctx.placeholder;
  if (placeholder !== null && word.value.includes(placeholder.token)) {
    if (placeholder.paths === null) {
      addPath(ctx.col, ctx.cwd, { ...word, dynamic: true }, access, origin);
      return;
    }
    for (const path of placeholder.paths) addPath(ctx.col, placeholder.cwd, { value: path, dynamic: false, pattern: true, processSubstitution: false }, access, origin);
    return;
  }
  if (word.value === '-' && !word.dynamic) return;
  addPath(ctx.col, ctx.cwd, word, access, origin);
}

function applySpec(name: string, spec: PathSpec, words: readonly Word[], ctx: PathContext): void {
  const values = words.map((word) => word.value);
  const pathOptions = spec.pathOptions ?? {};
  const withValue = new Set([...(spec.withValue ?? []), ...Object.keys(pathOptions)]);
  const parsed = parseOptions(values, 1, { withValue });
  for (const option of parsed.options) {
    const access = pathOptions[option.name];
    if (access === undefined || option.value === null) continue;
    reportPath(ctx, valueWord(words, option), access, `option ${option.name} of ${name}`);
  }
  let operands = parsed.operands.map((index) => words[index]).filter((word): word is Word => word !== undefined);
  if (spec.skipAssignments) operands = operands.filter((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word.value));
  const skip = spec.noSkipWith && hasAny(parsed, spec.noSkipWith) ? 0 : (spec.skipFirst ?? 0);
  operands = operands.slice(skip);
  const origin = `argument of ${name}`;
  const operandAccess = spec.writeWith && hasAny(parsed, spec.writeWith) ? 'write' : spec.operands;
  switch (operandAccess) {
    case 'none':
      return;
    case 'read':
    case 'write':
      for (const word of operands) reportPath(ctx, word, operandAccess, origin);
      return;
    case 'archive':
      operands.forEach((word, index) => reportPath(ctx, word, index === 0 ? 'write' : 'read', origin));
      return;
    case 'copy':
    case 'move':
    case 'link': {
      const targetGiven = hasAny(parsed, ['-t', '--target-directory']);
      const sources = targetGiven || operands.length < 2 ? operands : operands.slice(0, -1);
      const sourceAccess = operandAccess === 'move' ? 'write' : 'read';
      for (const word of sources) if (!isRemote(word)) reportPath(ctx, word, sourceAccess, origin);
      const destination = operands.at(-1);
      if (!targetGiven && operands.length >= 2 && destination && !isRemote(destination)) reportPath(ctx, destination, 'write', origin);
      return;
    }
  }
}

/** `host:path` and `user@host:path` in scp and rsync name files on another machine. */
function isRemote(word: Word): boolean {
  return /^[^/]*:/.test(word.value) && !word.value.startsWith('./');
}

function hasAny(parsed: ParsedArgs, names: readonly string[]): boolean {
  return parsed.options.some((option) => names.includes(option.name));
}

/** The value of an option as a Word: the next word, or the part of this word after `=` or the letter. */
function valueWord(words: readonly Word[], option: { readonly value: string | null; readonly valueIndex: number | null; readonly index: number }): Word {
  if (option.valueIndex !== null) {
    const word = words[option.valueIndex];
    if (word) return word;
  }
  return derivedWord(words[option.index], option.value ?? '');
}

/** A long option names a file: `--file`, `--env-file`, `--rcfile`, `--files-from`, `--exclude-from`, `--config`. */
function namesFile(option: string): boolean {
  const segments = option.slice(2).toLowerCase().split('-');
  return segments.some((segment) => (segment.endsWith('file') && segment !== 'profile') || segment === 'files' || segment === 'config') || segments.at(-1) === 'from';
}

const OUTPUT_OPTIONS = new Set(['--output', '--out', '--outfile', '--out-file', '--output-file', '--output-document', '--outdir', '--out-dir', '--output-dir', '--log-file', '--cookie-jar']);

function writesFile(option: string): boolean {
  return OUTPUT_OPTIONS.has(option) || /out|log|dump|save|write|jar|record/.test(option.slice(2));
}

function genericOptionPaths(name: string, words: readonly Word[], ctx: PathContext): void {
  const origin = (option: string): string => `option ${option} of ${name}`;
  for (let i = 1; i < words.length; i++) {
    const word = words[i];
    if (!word || !word.value.startsWith('--')) continue;
    if (word.value === '--') return;
    const eq = word.value.indexOf('=');
    const option = eq === -1 ? word.value : word.value.slice(0, eq);
    const isPathOption = namesFile(option) || OUTPUT_OPTIONS.has(option);
    const access: Access = writesFile(option) ? 'write' : 'read';
    if (eq !== -1) {
      const value = word.value.slice(eq + 1);
      if (isPathOption) reportPath(ctx, { ...word, value }, access, origin(option));
      else if (value.startsWith('@') && value.length > 1) reportPath(ctx, { ...word, value: value.slice(1) }, 'read', origin(option));
      continue;
    }
    const next = words[i + 1];
    if (isPathOption && next && !next.value.startsWith('-')) reportPath(ctx, next, access, origin(option));
  }
}
