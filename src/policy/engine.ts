/**
 * The permission decision for one tool call: allow, ask or deny, always with the reason and
 * the rule, layer and file (or the mode or default) that decided. Precedence, highest first:
 *
 *   1. deny rules of any layer (for shell commands: any part of the command line)
 *   2. built-in deny-read paths (credentials, ward's own state, .env files): denied unless an
 *      explicit allow rule names the path
 *   3. plan mode: anything that changes state or reaches out is denied
 *   4. protected paths (files that make other programs run code, ward's settings): asked in
 *      every mode but bypass, allow rules notwithstanding
 *   5. bypass mode: allowed
 *   6. ask rules of any layer
 *   7. allow rules (for shell commands: every part must be allowed on its own)
 *   8. the mode's defaults (see #byMode)
 *
 * Fails closed: a shell construct the analyser cannot see through makes a call "ask", never
 * "allow"; an exception while deciding is a denial (tool-runner.ts).
 */
import { join, resolve } from 'node:path';
import type { Decision, PermissionMode } from '../events/schema.ts';
import type { CallTarget, ToolKind } from '../tools/types.ts';
import { denyReadReason, denyReadRoots, protectedReason, protectedRoots, type BuiltinPathContext } from './builtin-paths.ts';
import type { OriginRule } from './effective.ts';
import { isInside, resolveReal } from './path-containment.ts';
import { commandMatches, pathMatches, urlMatches } from './rule-match.ts';
import { describeOrigin } from './settings/layers.ts';
import type { ShellAnalysis, SimpleCommand } from './shell/types.ts';

export interface PolicyDecision {
  readonly decision: Decision;
  readonly reason: string;
  /** What decided: a rule with its layer and file, a mode, or a built-in default. */
  readonly source: string;
  /** For "ask": what would let such a call run without asking (rules or a mode), when anything would. */
  readonly suggestion?: string;
}

/** A decision and the real path it judged for each path of the call's target. */
export interface JudgedDecision extends PolicyDecision {
  /** Absolute target path -> the real path (symlinks resolved) the decision was made on. */
  readonly judged: ReadonlyMap<string, string>;
}

export interface ProposedCall {
  readonly tool: string;
  readonly kind: ToolKind;
  readonly target: CallTarget;
  /** The validated input, for checks that look at content (package.json install scripts). */
  readonly input?: unknown;
}

export interface PolicyConfig {
  readonly mode: PermissionMode;
  readonly allow: readonly OriginRule[];
  readonly ask: readonly OriginRule[];
  readonly deny: readonly OriginRule[];
  readonly projectRoot: string;
  readonly home: string;
  readonly wardHome: string;
  /** Whether commands run inside a working OS sandbox. */
  readonly sandboxed: boolean;
  /**
   * Set when commands are not sandboxed because the user turned the sandbox off in their own
   * settings: the modes then apply as usual (the user chose to run commands on the host).
   * Unset with `sandboxed` false means the sandbox could not start: fail closed, and only
   * explicit allow rules let a command run.
   */
  readonly sandboxOffByChoice?: boolean;
  /** Why they do not, when they do not; part of every reason that depends on it. */
  readonly sandboxNote?: string;
  /** Whether commands get a /tmp of their own (bubblewrap): writes there stay in the sandbox. */
  readonly privateTmp?: boolean;
  readonly analyzeShell: (command: string) => ShellAnalysis;
  readonly isReadOnlyCommand: (command: SimpleCommand) => boolean;
}

/** Redirection targets that reach no file: `2>/dev/null` is no write outside the project. */
const HARMLESS_DEVICES = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty', '/dev/fd/1', '/dev/fd/2']);

/**
 * For a glob (`~/.ss*\/id_*`, `logs/*.log`), the folder before its first wildcard: the widest
 * place it can name, which is what the path checks must judge.
 */
function fixedPart(pattern: string): string {
  const wildcard = pattern.search(/[*?[{]/);
  if (wildcard < 0) return pattern;
  const cut = pattern.lastIndexOf('/', wildcard);
  return cut < 0 ? '.' : cut === 0 ? '/' : pattern.slice(0, cut);
}

interface Access {
  readonly path: string;
  readonly access: 'read' | 'write';
  readonly origin: string;
  /** Set when `path` is the fixed folder of a glob: anything below it may be touched. */
  readonly pattern?: string;
}

const ALLOW = (reason: string, source: string): PolicyDecision => ({ decision: 'allow', reason, source });
const ASK = (reason: string, source: string, suggestion?: string): PolicyDecision => ({ decision: 'ask', reason, source, ...(suggestion === undefined ? {} : { suggestion }) });
const DENY = (reason: string, source: string): PolicyDecision => ({ decision: 'deny', reason, source });

export class Policy {
  readonly config: PolicyConfig;
  readonly #paths: BuiltinPathContext;

  constructor(config: PolicyConfig) {
    this.config = config;
    this.#paths = { home: config.home, wardHome: resolveReal(config.wardHome), projectRoot: resolveReal(config.projectRoot) };
  }

  decide(call: ProposedCall): PolicyDecision {
    const shell = call.target.command === undefined ? null : this.config.analyzeShell(call.target.command);
    return this.#decide(call, shell, this.#accesses(call, shell));
  }

  /**
   * decide(), plus the real paths it judged: tools check they touch exactly those, so a
   * symlink switched after the decision cannot redirect them (tools/pinned-path.ts).
   */
  decideJudged(call: ProposedCall): JudgedDecision {
    const shell = call.target.command === undefined ? null : this.config.analyzeShell(call.target.command);
    const accesses = this.#accesses(call, shell);
    const judged = new Map((call.target.paths ?? []).map((path, index) => [resolve(path), accesses[index]?.path ?? resolveReal(path)]));
    return { ...this.#decide(call, shell, accesses), judged };
  }

  #decide(call: ProposedCall, shell: ShellAnalysis | null, accesses: readonly Access[]): PolicyDecision {
    const { mode } = this.config;

    const denied = this.#matchDeny(call, shell, accesses);
    if (denied) return DENY(`denied by rule ${denied.rule.text}`, describeOrigin(denied.origin));

    for (const access of accesses) {
      // A glob may expand into a credential folder below its fixed part: judge the widest reach.
      const reached = access.pattern === undefined ? null : denyReadRoots(this.#paths).find((root) => isInside(access.path, root));
      if (reached !== undefined && reached !== null) {
        return DENY(`the pattern ${access.pattern ?? ''} can reach ${reached}, which holds credentials or ward's state`, 'built-in deny list');
      }
      const reason = denyReadReason(access.path, this.#paths);
      if (reason !== null && !this.#explicitlyAllowed(access)) {
        return DENY(`${reason}; ward never ${access.access === 'read' ? 'reads' : 'writes'} it without an explicit allow rule`, 'built-in deny list');
      }
    }

    if (mode === 'plan') {
      const planDecision = this.#plan(call, shell, accesses);
      if (planDecision) return planDecision;
    }

    if (mode !== 'bypass') {
      for (const access of accesses) {
        if (access.access !== 'write') continue;
        const reason = protectedReason(access.path, this.#paths, contentOf(call.input));
        if (reason !== null) return ASK(reason, 'protected paths');
      }
    }

    if (mode === 'bypass') return ALLOW('bypass mode allows every call not denied by a rule', 'mode bypass');

    const asked = this.#matchRule(this.config.ask, call, shell, accesses, 'any');
    if (asked) return ASK(`rule ${asked.rule.text} asks first`, describeOrigin(asked.origin));

    if (shell !== null) return this.#shell(shell, accesses);

    const allowed = this.#matchRule(this.config.allow, call, shell, accesses, 'all');
    if (allowed) return ALLOW(`allowed by rule ${allowed.rule.text}`, describeOrigin(allowed.origin));
    return this.#byMode(call, accesses);
  }

  /**
   * Whether the model may read this file's contents: not on the built-in deny list (unless an
   * explicit allow rule names it) and not denied by a rule. For tools that read many files
   * under an approved folder.
   */
  canRead(path: string): boolean {
    const access: Access = { path: resolveReal(path), access: 'read', origin: 'read' };
    if (denyReadReason(access.path, this.#paths) !== null && !this.#explicitlyAllowed(access)) return false;
    const { projectRoot, home } = this.#paths;
    return !this.config.deny.some(({ rule }) => rule.specifier !== null && rule.tools.includes('read') && pathMatches(rule.specifier, access.path, projectRoot, home));
  }

  /** Protected paths inside the project, for the after-command check (agent/protected-watch.ts). */
  protectedInProject(): string[] {
    if (this.config.mode === 'bypass') return [];
    return protectedRoots(this.#paths).filter((path) => isInside(this.#paths.projectRoot, path));
  }

  /** Where ward moves what a command created at a protected path. */
  get quarantineFolder(): string {
    return join(this.#paths.wardHome, 'quarantine');
  }

  /** The shell command's parts: each must be allowed on its own. */
  #shell(shell: ShellAnalysis, accesses: readonly Access[]): PolicyDecision {
    const { mode } = this.config;
    const byChoice = this.config.sandboxOffByChoice === true;
    // Whether the mode's own rules apply to commands: inside a sandbox, or outside one by choice.
    const sandboxed = this.config.sandboxed || byChoice;
    const where = this.config.sandboxed ? 'runs inside the sandbox: it can write only inside the project and has no network beyond the allowed domains' : `runs unsandboxed: ${this.config.sandboxNote ?? 'the sandbox is off'}`;
    const outside = accesses.find((access) => access.access === 'write' && !this.#staysInside(access.path));
    // Reaching the network is the sandbox's to block or proxy, not a reason to ask by itself.
    const risk = shell.risks.find((entry) => entry.kind !== 'network');

    if (sandboxed && mode === 'auto') {
      if (outside) return ASK(`${outside.origin} writes ${outside.path}, outside the project`, 'mode auto');
      return ALLOW(where, this.config.sandboxed ? 'mode auto (sandboxed)' : 'mode auto (sandbox turned off)');
    }
    if (risk) return ASK(risk.detail, `shell analysis (${risk.kind})`, sandboxed ? '--permission-mode auto (it runs such commands inside the sandbox)' : undefined);
    if (outside) return ASK(`${outside.origin} writes ${outside.path}, outside the project`, `mode ${mode}`);

    const unmatched: SimpleCommand[] = [];
    let firstRule: OriginRule | null = null;
    for (const command of shell.commands) {
      const rule = this.config.allow.find((entry) => entry.rule.tools.includes('bash') && (entry.rule.specifier === null || commandMatches(entry.rule.specifier, command.argv)));
      if (rule) firstRule ??= rule;
      else unmatched.push(command);
    }
    if (unmatched.length === 0 && firstRule !== null) {
      const sandboxWord = this.config.sandboxed ? '' : ` (unsandboxed: ${this.config.sandboxNote ?? 'the sandbox is off'})`;
      return ALLOW(`allowed by rule ${firstRule.rule.text}${shell.commands.length > 1 ? ' and rules for every other part' : ''}${sandboxWord}`, describeOrigin(firstRule.origin));
    }
    const readOnly = unmatched.every((command) => this.config.isReadOnlyCommand(command));
    if (sandboxed && readOnly && accesses.every((access) => isInside(this.#paths.projectRoot, access.path))) {
      return ALLOW(this.config.sandboxed ? 'read-only command inside the project, run in the sandbox' : `read-only command inside the project (${where})`, `mode ${mode}`);
    }
    const first = unmatched[0];
    const rules = [...new Set(unmatched.map((command) => `bash(${command.argv.join(' ')})`))];
    const suggestion = `--allowed-tools ${rules.map((rule) => `"${rule}"`).join(' ')}${sandboxed ? ' or --permission-mode auto' : ''}`;
    if (!sandboxed) return ASK(`${this.config.sandboxNote ?? 'the sandbox is off'}, so every command not allowed by a rule needs approval`, 'sandbox unavailable', suggestion);
    return ASK(`running \`${first?.text ?? shell.commands[0]?.text ?? ''}\` needs approval in ${mode} mode (no allow rule matches it)`, `mode ${mode}`, suggestion);
  }

  /** Inside the project, or in the sandbox's own /tmp. */
  #staysInside(path: string): boolean {
    return isInside(this.#paths.projectRoot, path) || (this.config.privateTmp === true && isInside('/tmp', path));
  }

  #plan(call: ProposedCall, shell: ShellAnalysis | null, accesses: readonly Access[]): PolicyDecision | null {
    if (call.kind === 'read' || call.kind === 'internal') return null;
    if (shell !== null) {
      const changes = shell.risks[0] ?? accesses.find((access) => access.access === 'write') ?? shell.commands.find((command) => !this.config.isReadOnlyCommand(command));
      if (changes === undefined) return null;
      return DENY(`plan mode only reads; \`${'text' in changes ? changes.text : 'detail' in changes ? changes.detail : changes.path}\` could change state`, 'mode plan');
    }
    return DENY(`plan mode only reads; ${call.tool} could change state or reach the network`, 'mode plan');
  }

  #byMode(call: ProposedCall, accesses: readonly Access[]): PolicyDecision {
    const { mode } = this.config;
    const outside = accesses.find((access) => !isInside(this.#paths.projectRoot, access.path));
    switch (call.kind) {
      case 'internal':
        return ALLOW(`${call.tool} only touches ward's own session state`, 'default');
      case 'read':
        if (outside) return ASK(`${outside.path} is outside the project`, `mode ${mode}`, `--allowed-tools "read(${outside.path})"`);
        return ALLOW('reads inside the project are allowed', `mode ${mode}`);
      case 'edit':
        if (outside) return ASK(`${outside.path} is outside the project`, `mode ${mode}`, `--allowed-tools "edit(${outside.path})"`);
        if (mode === 'accept-edits' || mode === 'auto') return ALLOW(`${mode} mode allows edits inside the project`, `mode ${mode}`);
        return ASK(`file edits need approval in ${mode} mode`, `mode ${mode}`, '--permission-mode accept-edits');
      case 'network': {
        const host = hostOf(call.target.url);
        return ASK(`network access needs approval in ${mode} mode`, `mode ${mode}`, host === null ? undefined : `--allowed-tools "web_fetch(domain:${host})"`);
      }
      case 'execute':
        return ASK(`running commands needs approval in ${mode} mode`, `mode ${mode}`);
    }
  }

  #accesses(call: ProposedCall, shell: ShellAnalysis | null): Access[] {
    const direct = (call.target.paths ?? []).map((path) => ({
      path: resolveReal(path),
      access: call.kind === 'edit' ? ('write' as const) : ('read' as const),
      origin: call.tool,
    }));
    if (shell === null) return direct;
    const cwd = call.target.cwd ?? this.config.projectRoot;
    const fromShell = shell.paths
      .filter((entry) => !HARMLESS_DEVICES.has(entry.path))
      .map((entry): Access => ({
        path: resolveReal(this.#expand(entry.pattern ? fixedPart(entry.path) : entry.path, cwd)),
        access: entry.access,
        origin: entry.origin,
        ...(entry.pattern ? { pattern: entry.path } : {}),
      }));
    return [...direct, ...fromShell];
  }

  #expand(path: string, cwd: string): string {
    if (path === '~' || path.startsWith('~/')) return `${this.config.home}${path.slice(1)}`;
    return resolve(cwd, path);
  }

  #matchDeny(call: ProposedCall, shell: ShellAnalysis | null, accesses: readonly Access[]): OriginRule | undefined {
    return this.#matchRule(this.config.deny, call, shell, accesses, 'any');
  }

  /**
   * A rule list against a call. `any`: the rule matches if it matches any part (deny, ask);
   * `all`: a path rule must cover every path the call touches (allow).
   */
  #matchRule(rules: readonly OriginRule[], call: ProposedCall, shell: ShellAnalysis | null, accesses: readonly Access[], quantifier: 'any' | 'all'): OriginRule | undefined {
    const { projectRoot, home } = this.#paths;
    return rules.find(({ rule }) => {
      // Path rules about reading or editing also apply to what a shell command reads or writes.
      if (shell !== null && rule.specifier !== null && !rule.tools.includes('bash')) {
        const relevant = accesses.filter((access) => (access.access === 'read' ? rule.tools.includes('read') : rule.tools.includes('edit') || rule.tools.includes('write')));
        return quantifier === 'any' && relevant.some((access) => pathMatches(rule.specifier ?? '', access.path, projectRoot, home));
      }
      if (rule.specifier === null) return rule.tools.includes(call.tool);
      // A path rule about reading covers every tool that reads (read, grep, glob); one about
      // editing every tool that writes files. Other specifiers belong to their own tool.
      const coversKind = (call.kind === 'read' && rule.tools.includes('read')) || (call.kind === 'edit' && (rule.tools.includes('edit') || rule.tools.includes('write')));
      if (!rule.tools.includes(call.tool) && !(coversKind && call.target.url === undefined && call.target.command === undefined)) return false;
      if (shell !== null) return shell.commands.some((command) => commandMatches(rule.specifier ?? '', command.argv)) || commandMatches(rule.specifier, [call.target.command ?? '']);
      if (call.target.url !== undefined) return urlMatches(rule.specifier, call.target.url);
      if (accesses.length === 0) return false;
      const test = (access: Access): boolean => pathMatches(rule.specifier ?? '', access.path, projectRoot, home);
      return quantifier === 'all' ? accesses.every(test) : accesses.some(test);
    });
  }

  /** An allow rule naming this very path (not a bare tool name) overrides the built-in deny list. */
  #explicitlyAllowed(access: Access): boolean {
    const { projectRoot, home } = this.#paths;
    return this.config.allow.some(({ rule }) => {
      if (rule.specifier === null) return false;
      const tools = access.access === 'read' ? ['read'] : ['edit', 'write'];
      return rule.tools.some((tool) => tools.includes(tool)) && pathMatches(rule.specifier, access.path, projectRoot, home);
    });
  }
}

function contentOf(input: unknown): string | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  const fields = input as Record<string, unknown>;
  // old_string too: replacing the value of an existing install script names no key in new_string.
  const text = [fields.content, fields.old_string, fields.new_string].filter((value): value is string => typeof value === 'string');
  return text.length > 0 ? text.join('\n') : undefined;
}

function hostOf(url: string | undefined): string | null {
  if (url === undefined) return null;
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}
