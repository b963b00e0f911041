/**
 * Which variables change what a later program runs or loads, which builtins change the shell
 * for the commands after them, and which commands reach the network. Lists, not logic, so
 * they can be read and extended in one place.
 */

/** Exact variable names that make a program run or load something else. */
const INJECTING_NAMES = new Set([
  'PATH', 'IFS', 'CDPATH', 'HOME', 'XDG_CONFIG_HOME', 'SHELL', 'SHELLOPTS', 'BASHOPTS', 'BASH_ENV', 'ENV', 'PS4', 'PROMPT_COMMAND',
  'GLOBIGNORE', 'PAGER', 'MANPAGER', 'GIT_PAGER', 'EDITOR', 'VISUAL', 'BROWSER', 'LESSOPEN', 'LESSCLOSE', 'SSH_ASKPASS',
  'SUDO_ASKPASS', 'NODE_OPTIONS', 'NODE_PATH', 'PERL5OPT', 'PERL5LIB', 'PERLLIB', 'RUBYOPT', 'RUBYLIB', 'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS', 'CC', 'CXX', 'LD', 'AR', 'MAKEFLAGS', 'MAKE', 'RUSTC_WRAPPER', 'RUSTC', 'TERMINFO', 'GCONV_PATH',
  'PYTHONSTARTUP', 'PYTHONPATH', 'PYTHONHOME', 'PYTHONINSPECT', 'PYTHONUSERBASE', 'PYTHONEXECUTABLE', 'PYTHONWARNINGS',
]);

/** git identity variables are harmless; every other GIT_* can point git at other config or programs. */
const HARMLESS_GIT = /^GIT_(AUTHOR|COMMITTER)_(NAME|EMAIL|DATE)$|^GIT_TERMINAL_PROMPT$|^GIT_FLUSH$/;

/** Why setting `name` for a program needs approval, or null when it does not. */
export function injectionReason(name: string): string | null {
  if (INJECTING_NAMES.has(name)) return `${name} changes which programs, files or settings later programs use`;
  if (name.startsWith('GIT_') && !HARMLESS_GIT.test(name)) return `${name} changes what git runs or which configuration it reads`;
  if (/^(LD_|DYLD_)/.test(name)) return `${name} makes programs load other libraries`;
  if (/^npm_config_/i.test(name)) return `${name} changes npm's configuration, including the scripts and programs it runs`;
  if (/_COMMAND$|_OPTIONS$|_OPTS$/.test(name)) return `${name} holds a command or options a program runs with`;
  return null;
}

/** Builtins whose effect outlives the command: what later commands mean or see. */
export const ALTERS_SHELL: ReadonlyMap<string, string> = new Map([
  ['export', 'exports variables into the environment of every later command'],
  ['declare', 'sets variables or attributes that later commands see'],
  ['typeset', 'sets variables or attributes that later commands see'],
  ['readonly', 'sets read-only variables that later commands see'],
  ['alias', 'redefines what a later command name runs'],
  ['unalias', 'changes what a later command name runs'],
  ['source', 'runs a file\'s commands in this shell'],
  ['.', 'runs a file\'s commands in this shell'],
  ['set', 'changes shell options or positional parameters for later commands'],
  ['shopt', 'changes shell options for later commands'],
  ['trap', 'installs a command that runs later, on a signal or at exit'],
  ['enable', 'enables or disables builtins, changing what later command names run'],
  ['hash', 'changes where later command names are looked up'],
  ['ulimit', 'changes resource limits for later commands'],
  ['umask', 'changes the permissions of files later commands create'],
  ['unset', 'removes variables or functions later commands rely on'],
  ['let', 'assigns a variable that changes what later programs run or load'],
  ['read', 'assigns a variable that changes what later programs run or load'],
  ['mapfile', 'assigns a variable that changes what later programs run or load'],
  ['readarray', 'assigns a variable that changes what later programs run or load'],
  ['getopts', 'assigns a variable that changes what later programs run or load'],
  ['fc', 'edits and re-runs commands from history'],
  ['bind', 'binds keys to commands'],
  ['complete', 'installs completion commands'],
  ['local', 'exports function variables to later commands'],
  ['printf', 'assigns a variable (printf -v) that later commands see'],
]);

/** `set` flags that only make the script stricter or louder; they change no later command. */
const HARMLESS_SET_ARGS = /^([-+][euxvoEBhT]+|-o|\+o|pipefail|errexit|nounset|xtrace|verbose|errtrace|functrace|noclobber)$/;

/** Builtins that only assign shell variables: a loop's `read line` is ordinary; `read PATH` is not. */
const ASSIGNING = new Set(['let', 'read', 'mapfile', 'readarray', 'getopts']);

/** Whether this use of an ALTERS_SHELL builtin really changes later commands. */
export function altersShell(name: string, args: readonly string[]): boolean {
  if (name === 'set') return args.length === 0 ? false : !args.every((arg) => HARMLESS_SET_ARGS.test(arg));
  if (name === 'local') return args.some((arg) => /^-[a-zA-Z]*x/.test(arg));
  if (ASSIGNING.has(name)) return args.some((arg) => injectionReason(arg.split('=')[0] ?? '') !== null);
  if (name === 'printf') return args.some((arg) => /^-v/.test(arg));
  return true;
}

export const NETWORK_COMMANDS = new Set([
  'ping', 'ping6', 'dig', 'nslookup', 'host', 'drill', 'curl', 'wget', 'nc', 'ncat', 'netcat', 'socat', 'telnet', 'ssh', 'scp',
  'sftp', 'rsync', 'ftp', 'tftp', 'whois', 'traceroute', 'tracepath', 'mtr', 'nmap', 'http', 'https', 'xh', 'aria2c',
]);

/** Shells whose `-c` argument and standard input are scripts, analysed like the command line itself. */
export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'yash', 'fish', 'rbash']);

/** Names of programs matched by their basename: `/usr/bin/sudo` is `sudo`. */
export function baseName(command: string): string {
  const slash = command.lastIndexOf('/');
  return slash === -1 ? command : command.slice(slash + 1);
}
