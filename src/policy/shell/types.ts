/**
 * What the shell analyser tells the policy about a command line, before anything runs.
 *
 * The analyser parses with a real bash grammar and walks every part of the command: lists
 * (`&&`, `||`, `;`, `&`), pipelines, subshells, command and process substitutions, here-docs,
 * and the commands that run other commands (`sh -c`, `eval`, `xargs`, `find -exec`, …). Each
 * simple command is judged on its own; anything the analyser cannot see through fully is
 * reported in `risks`, which the policy treats as "ask", never "allow".
 */

export interface SimpleCommand {
  /** The command's words with quoting removed and escapes resolved (`\rm`, `r''m`, `$'\x72m'` are `rm`). */
  readonly argv: readonly string[];
  /** The command as written in the source (without a redirection that wraps it), for messages. */
  readonly text: string;
  /** Leading assignments, e.g. `GIT_SSH_COMMAND=x git fetch` gives [{name:'GIT_SSH_COMMAND', value:'x'}]. */
  readonly assignments: readonly { readonly name: string; readonly value: string | null }[];
  /** How this command was reached: directly, or run by another command (`sh -c`, `xargs`, `find -exec`, `eval`). */
  readonly via: readonly string[];
  /**
   * Indexes into argv of words only known when it runs (`$X`, `$(…)`, `{a,b}`, `~user`): their
   * entry keeps the expansion as written (quotes removed), e.g. `$HOME/x` for `"$HOME/x"`.
   */
  readonly dynamicArgs: readonly number[];
}

export interface PathAccess {
  /**
   * The path as written (unresolved: the policy resolves it against the working directory the
   * command line starts in). A `cd` earlier in the line is applied: `cd ~/.ssh && cat id_rsa`
   * gives `~/.ssh/id_rsa`; a cd that may have failed gives both possibilities.
   */
  readonly path: string;
  readonly access: 'read' | 'write';
  /** Where it came from, for reasons: `redirection >`, `option --file`, `argument of cp`. */
  readonly origin: string;
  /**
   * The path is a glob (`*.ts`, `~/.ss*`, `dir/**` for everything find -exec may be given): it
   * names whatever matches, so match it as a pattern (its fixed part up to the first glob
   * character is a directory it stays under), not as one file name.
   */
  readonly pattern: boolean;
}

/**
 * Kinds: `unparsed` (syntax error or a construct the analyser does not follow), `dynamic-command`
 * (what runs is only known at run time: `$CMD`, `eval "$x"`, `curl … | sh`), `dynamic-argument`,
 * `dynamic-path`, `inline-code` (an interpreter given code: `python -c`, `node -e`, awk
 * `system()`, sed `e`), `env-injection` (a variable that changes what a program runs or loads),
 * `alters-shell` (changes later commands: `export`, `alias`, functions, `source`),
 * `git-option` (git options that run commands or read other config), `privilege` (`sudo`),
 * `deletes-files` (`find -delete`), `network`, `unusual-characters` (control, invisible or
 * bidirectional characters, non-ASCII command names).
 */
export interface ShellRisk {
  /** A short machine-readable kind, e.g. `inline-code`, `env-injection`, `alters-shell`, `dynamic-command`. */
  readonly kind: string;
  /** For people: what was found and why it needs approval. */
  readonly detail: string;
}

export interface ShellAnalysis {
  /** Every simple command that would run, nested ones included, in source order. */
  readonly commands: readonly SimpleCommand[];
  /** Files the command line reads or writes that the analyser can name (redirections, file-naming options). */
  readonly paths: readonly PathAccess[];
  /** Things that make the command line unsafe to allow by rule: each makes the decision at best "ask". */
  readonly risks: readonly ShellRisk[];
}
