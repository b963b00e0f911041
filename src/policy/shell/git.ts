/**
 * git options that make it run other programs or read other configuration, past any rule
 * that allows `git fetch` or `git diff`: `-c key=value` (core.sshCommand, core.pager,
 * aliases with `!`…), `-C dir`, `--git-dir`, `--exec-path`, `--upload-pack`,
 * `--receive-pack`, `rebase --exec`, `submodule foreach`, `bisect run`, and `git config`
 * writes, which change what later git commands run.
 */
import type { Reporter } from './inline-code.ts';
import type { Word } from './words.ts';

export interface GitReporter extends Reporter {
  /** Analyses a command git runs: a shell script (`submodule foreach`) or an argv (`bisect run`). */
  script(text: Word, via: string): void;
  command(words: readonly Word[], via: string): void;
}

/** Global options followed by a value word; `--exec-path` and `--list-cmds` only take one after `=`. */
const GLOBAL_WITH_VALUE = new Set(['-c', '-C', '--git-dir', '--work-tree', '--namespace', '--config-env', '--super-prefix', '--attr-source']);
const GLOBAL_RISKY = new Set(['--git-dir', '--work-tree', '--exec-path', '--config-env', '--namespace', '--super-prefix', '--attr-source']);

/** Configuration keys whose value is a program git runs, or that point git at code elsewhere. */
const EXEC_KEYS = [
  /^core\.(sshcommand|pager|editor|hookspath|fsmonitor|gitproxy|askpass|worktree)$/, /^credential\..*helper$/, /^alias\./,
  /^diff\.(external|.*\.(textconv|command))$/, /^merge\..*\.driver$/, /^filter\./, /^pager\./, /^sequence\.editor$/, /^gpg\.(.*\.)?program$/,
  /^uploadpack\.packobjectshook$/, /^include(if)?\./, /^remote\..*\.(uploadpack|receivepack|proxy)$/, /^url\./, /^init\.templatedir$/,
  /^protocol\./, /^ssh\.variant$/, /^http\..*proxy$/, /^core\.sshcommand$/, /^safe\.directory$/,
];

export function checkGit(words: readonly Word[], report: GitReporter): void {
  let i = 1;
  for (; i < words.length; i++) {
    const word = words[i];
    if (!word) break;
    const value = word.value;
    if (!value.startsWith('-')) break;
    const eq = value.indexOf('=');
    const option = value.startsWith('--') && eq !== -1 ? value.slice(0, eq) : value;
    const attached = value.startsWith('--') && eq !== -1 ? value.slice(eq + 1) : null;
    const takesValue = GLOBAL_WITH_VALUE.has(option) && attached === null;
    const optionValue = attached ?? (takesValue ? (words[i + 1]?.value ?? '') : null);
    if (option === '-c') report.risk('git-option', configDetail(optionValue ?? '', 'git -c'));
    else if (option === '-C') {
      report.risk('git-option', `git -C ${optionValue ?? ''} runs git in another directory, with that repository's configuration and hooks`);
      const dirWord = words[i + 1];
      if (dirWord) report.path(dirWord, 'read', 'option -C of git');
    } else if (GLOBAL_RISKY.has(option) && optionValue !== null) {
      report.risk('git-option', `git ${option}=${optionValue} points git at another repository, configuration or program directory`);
    }
    if (takesValue) i++;
  }
  const subcommand = words[i]?.value;
  if (subcommand === undefined) return;
  checkSubcommand(subcommand, words.slice(i), report);
}

function configDetail(setting: string, where: string): string {
  const key = (setting.split('=')[0] ?? '').toLowerCase();
  if (EXEC_KEYS.some((pattern) => pattern.test(key))) return `${where} ${setting} makes git run a program or load code from elsewhere`;
  return `${where} ${setting} changes git's configuration for this command`;
}

const PACK_OPTIONS = ['--upload-pack', '--receive-pack', '--exec'];

/**
 * Subcommand options whose value names a file git reads or writes: `git commit -F
 * ~/.aws/credentials` puts a file into a commit message, `git format-patch -o dir` writes.
 */
const FILE_OPTIONS: Readonly<Record<string, Readonly<Record<string, 'read' | 'write'>>>> = {
  commit: { '-F': 'read', '--file': 'read', '-t': 'read', '--template': 'read', '--pathspec-from-file': 'read' },
  tag: { '-F': 'read', '--file': 'read' },
  notes: { '-F': 'read', '--file': 'read' },
  merge: { '-F': 'read', '--file': 'read' },
  am: { '--patch-format': 'read' },
  apply: { '--output': 'write' },
  config: { '-f': 'read', '--file': 'read', '--blob': 'read' },
  'format-patch': { '-o': 'write', '--output-directory': 'write', '--output': 'write' },
  archive: { '-o': 'write', '--output': 'write' },
  bundle: {},
  'hash-object': { '--stdin-paths': 'read' },
  add: { '--pathspec-from-file': 'read' },
  reset: { '--pathspec-from-file': 'read' },
  checkout: { '--pathspec-from-file': 'read' },
  restore: { '--pathspec-from-file': 'read' },
  rm: { '--pathspec-from-file': 'read' },
  stash: { '--pathspec-from-file': 'read' },
};

function checkSubcommand(subcommand: string, args: readonly Word[], report: GitReporter): void {
  const values = args.map((word) => word.value);
  const fileOptions = FILE_OPTIONS[subcommand] ?? {};
  for (let j = 1; j < values.length; j++) {
    const value = values[j] ?? '';
    const option = value.split('=')[0] ?? value;
    const fileAccess = fileOptions[option];
    if (fileAccess !== undefined) {
      const word = args[j];
      if (value.includes('=') && word !== undefined) report.path({ ...word, value: value.slice(option.length + 1) }, fileAccess, `git ${subcommand} ${option}`);
      else if (args[j + 1] !== undefined) report.path(args[j + 1] as Word, fileAccess, `git ${subcommand} ${option}`);
    } else if (/^-F./.test(value) && fileOptions['-F'] !== undefined && args[j] !== undefined) {
      // -Ffile, glued.
      report.path({ ...(args[j] as Word), value: value.slice(2) }, fileOptions['-F'], `git ${subcommand} -F`);
    }
    if (PACK_OPTIONS.includes(option)) report.risk('git-option', `git ${subcommand} ${option} names a program git runs`);
    if (subcommand === 'clone' && (value === '-u' || (value.startsWith('-u') && value.length > 2))) report.risk('git-option', 'git clone -u names a program git runs');
    if (subcommand === 'clone' && (value === '-c' || option === '--config')) report.risk('git-option', configDetail(value.includes('=') && option === '--config' ? value.slice(option.length + 1) : (values[j + 1] ?? ''), `git clone ${option}`));
    if ((subcommand === 'clone' || subcommand === 'init') && option === '--template') report.risk('git-option', `git ${subcommand} --template copies hooks from another directory`);
    if (subcommand === 'rebase' && (value === '-x' || option === '--exec')) report.risk('inline-code', `git rebase ${option} runs a shell command after each commit`);
    if ((subcommand === 'difftool' || subcommand === 'mergetool') && (value === '-x' || option === '--extcmd' || value === '-t' || option === '--tool')) {
      report.risk('inline-code', `git ${subcommand} ${option} names a program git runs`);
    }
    if (subcommand === 'grep' && (value === '-O' || value.startsWith('-O') || option === '--open-files-in-pager')) report.risk('inline-code', 'git grep -O opens the results in a program');
    if (subcommand === 'filter-branch' && /^--.*-filter$/.test(option)) report.risk('inline-code', `git filter-branch ${option} runs a shell command`);
  }
  if (subcommand === 'config' && !isConfigQuery(values.slice(1))) {
    report.risk('git-option', `git config ${values.slice(1).join(' ')} changes git's configuration, which can make later git commands run programs`);
  }
  if (subcommand === 'submodule') {
    const at = values.indexOf('foreach');
    if (at !== -1) {
      const rest = args.slice(at + 1).filter((word) => word.value !== '--recursive' && word.value !== '-q' && word.value !== '--quiet');
      const script = rest[0];
      if (script) report.script(rest.length === 1 ? script : { ...script, value: rest.map((word) => word.value).join(' ') }, 'git submodule foreach');
    }
  }
  if (subcommand === 'bisect' && values[1] === 'run' && args.length > 2) report.command(args.slice(2), 'git bisect run');
}

const QUERY_OPTIONS = new Set(['--get', '--get-all', '--get-regexp', '--get-urlmatch', '--list', '-l', '--get-color', '--get-colorbool', '--show-origin', '--show-scope', '--name-only', '-z', '--null', '--global', '--system', '--local', '--worktree', '--includes', '--no-includes', '--type', '--bool', '--int', '--path', '--default']);

/** `git config --get x`, `git config --list`, `git config get x`, `git config x` only read. */
function isConfigQuery(args: readonly string[]): boolean {
  const first = args[0];
  if (first === 'get' || first === 'list') return true;
  const options = args.filter((arg) => arg.startsWith('-'));
  const operands = args.filter((arg) => !arg.startsWith('-'));
  if (!options.every((option) => QUERY_OPTIONS.has(option.split('=')[0] ?? option) || option.startsWith('--file') || option === '-f')) return false;
  const reading = options.some((option) => option.startsWith('--get') || option === '--list' || option === '-l');
  return reading || operands.length <= 1;
}
