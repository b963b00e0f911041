/**
 * Command-line parsing for ward. Built on node:util parseArgs in strict mode: an unknown flag
 * or a missing value is a usage error that names the flag, never silently ignored.
 */
import { parseArgs } from 'node:util';
import type { PermissionMode } from '../events/schema.ts';
import { BudgetConfigError, parseBudgetFlag, type BudgetKey, type BudgetValues } from '../session/budget-limits.ts';
import { UsageError } from './usage-error.ts';
import { parseAuditArgs, type AuditArgs } from './audit-args.ts';
import { parseReleaseCheckArgs, type ReleaseCheckArgs } from './release-check-args.ts';

export type OutputFormat = 'text' | 'json' | 'stream-json';

export interface HeadlessArgs {
  readonly command: 'run';
  /** The prompt from the command line; null means read it from stdin (or none, on resume). */
  readonly prompt: string | null;
  readonly print: boolean;
  readonly outputFormat: OutputFormat;
  readonly model: string | undefined;
  readonly provider: string | undefined;
  readonly baseUrl: string | undefined;
  /** Budget flags as given (--max-turns included); settings and managed ceilings apply on top. */
  readonly budgets: BudgetValues;
  /** Undefined when not given: the settings' defaultMode, or default, applies. */
  readonly permissionMode: PermissionMode | undefined;
  readonly trustProject: boolean;
  readonly allowedTools: readonly string[];
  readonly disallowedTools: readonly string[];
  readonly continueLatest: boolean;
  readonly resumeId: string | undefined;
  readonly cwd: string | undefined;
  readonly quiet: boolean;
  /** --compact-threshold: share of the context window past which ward compacts. */
  readonly compactThreshold: number | undefined;
}

/** `ward permissions [check CALL]`, `ward doctor`, `ward trust`: they take the project flags too. */
export interface SubcommandArgs {
  readonly command: 'permissions' | 'doctor' | 'trust';
  /** For `permissions check`: the hypothetical call, e.g. `Bash(git push origin main)`. */
  readonly check: string | undefined;
  readonly cwd: string | undefined;
  readonly permissionMode: PermissionMode | undefined;
  readonly allowedTools: readonly string[];
  readonly disallowedTools: readonly string[];
  readonly trustProject: boolean;
  readonly provider: string | undefined;
  readonly model: string | undefined;
  readonly baseUrl: string | undefined;
}

export type ParsedArgs = { readonly command: 'help' } | { readonly command: 'version' } | HeadlessArgs | SubcommandArgs | AuditArgs | ReleaseCheckArgs;

const SUBCOMMANDS = new Set(['permissions', 'doctor', 'trust']);

const OPTIONS = {
  print: { type: 'boolean', short: 'p' },
  'output-format': { type: 'string' },
  model: { type: 'string', short: 'm' },
  provider: { type: 'string' },
  'base-url': { type: 'string' },
  'max-turns': { type: 'string' },
  'max-cost': { type: 'string' },
  'max-tokens': { type: 'string' },
  'max-duration': { type: 'string' },
  'max-tool-calls': { type: 'string' },
  'permission-mode': { type: 'string' },
  'allowed-tools': { type: 'string', multiple: true },
  'disallowed-tools': { type: 'string', multiple: true },
  continue: { type: 'boolean', short: 'c' },
  resume: { type: 'string', short: 'r' },
  cwd: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'compact-threshold': { type: 'string' },
  'trust-project': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  /** ward audit verify/export: every session of the project. */
  all: { type: 'boolean' },
  version: { type: 'boolean', short: 'v' },
} as const;

const MODE_ALIASES: Readonly<Record<string, PermissionMode>> = {
  default: 'default',
  'accept-edits': 'accept-edits',
  acceptEdits: 'accept-edits',
  plan: 'plan',
  bypass: 'bypass',
  bypassPermissions: 'bypass',
  auto: 'auto',
};

export function parseCommandLine(argv: readonly string[]): ParsedArgs {
  // The release gate is a tool of its own with its own options (release-check-args.ts).
  if (argv[0] === 'release-check') return parseReleaseCheckArgs(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error as Error), 'run ward --help for the list of options');
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { command: 'help' };
  if (values.version === true) return { command: 'version' };

  const outputFormat = values['output-format'] ?? 'text';
  if (outputFormat !== 'text' && outputFormat !== 'json' && outputFormat !== 'stream-json') {
    throw new UsageError(`--output-format must be text, json or stream-json, not "${outputFormat}"`);
  }
  const modeText = values['permission-mode'];
  const permissionMode = modeText === undefined ? undefined : MODE_ALIASES[modeText];
  if (modeText !== undefined && permissionMode === undefined) {
    throw new UsageError(`--permission-mode must be one of default, accept-edits, plan, auto, bypass, not "${modeText}"`);
  }
  const first = positionals[0];
  if (values.print !== true && first === 'audit') return parseAuditArgs(positionals.slice(1), values);
  if (values.all === true) throw new UsageError('--all belongs to ward audit verify and ward audit export');
  if (values.print !== true && first !== undefined && SUBCOMMANDS.has(first)) {
    return parseSubcommand(first as SubcommandArgs['command'], positionals.slice(1), values, permissionMode);
  }
  if (values.continue === true && values.resume !== undefined) {
    throw new UsageError('--continue and --resume cannot be combined: --continue takes the latest session, --resume ID a given one');
  }

  return {
    command: 'run',
    prompt: positionals.length > 0 ? positionals.join(' ') : null,
    print: values.print === true,
    outputFormat,
    model: nonEmpty(values.model, '--model'),
    provider: nonEmpty(values.provider, '--provider'),
    baseUrl: parseBaseUrl(values['base-url']),
    budgets: parseBudgetFlags(values),
    permissionMode,
    trustProject: values['trust-project'] === true,
    allowedTools: values['allowed-tools'] ?? [],
    disallowedTools: values['disallowed-tools'] ?? [],
    continueLatest: values.continue === true,
    resumeId: nonEmpty(values.resume, '--resume'),
    cwd: nonEmpty(values.cwd, '--cwd'),
    quiet: values.quiet === true,
    compactThreshold: parseCompactThreshold(values['compact-threshold']),
  };
}

function parseCompactThreshold(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.trim().endsWith('%') ? text.trim().slice(0, -1) : text) / (text.trim().endsWith('%') ? 100 : 1);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > 1) {
    throw new UsageError(`--compact-threshold must be a share of the context window above 0 and at most 1 (like 0.6 or 60%), not "${text}"`);
  }
  return value;
}

function parseSubcommand(
  command: SubcommandArgs['command'],
  rest: readonly string[],
  values: { cwd?: string; 'allowed-tools'?: string[]; 'disallowed-tools'?: string[]; 'trust-project'?: boolean; provider?: string; model?: string; 'base-url'?: string },
  permissionMode: PermissionMode | undefined,
): SubcommandArgs {
  let check: string | undefined;
  if (command === 'permissions' && rest.length > 0) {
    if (rest[0] !== 'check' || rest.length !== 2) {
      throw new UsageError(`ward permissions takes no arguments, or: check 'Tool(specifier)'; got "${rest.join(' ')}"`, `example: ward permissions check 'bash(git push origin main)'`);
    }
    check = rest[1];
  } else if (rest.length > 0) {
    throw new UsageError(`ward ${command} takes no arguments; got "${rest.join(' ')}"`);
  }
  return {
    command,
    check,
    cwd: nonEmpty(values.cwd, '--cwd'),
    permissionMode,
    allowedTools: values['allowed-tools'] ?? [],
    disallowedTools: values['disallowed-tools'] ?? [],
    trustProject: values['trust-project'] === true,
    provider: nonEmpty(values.provider, '--provider'),
    model: nonEmpty(values.model, '--model'),
    baseUrl: parseBaseUrl(values['base-url']),
  };
}

function describeParseError(error: Error): string {
  // parseArgs messages are good but long; keep the part naming the flag.
  const message = error.message.replace(/\. To specify a positional argument.*$/s, '');
  return message.replace(/^Unknown option/, 'unknown option');
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${flag} needs a value`);
  return value;
}

const BUDGET_FLAGS: readonly (readonly [BudgetKey, 'max-cost' | 'max-tokens' | 'max-turns' | 'max-duration' | 'max-tool-calls'])[] = [
  ['cost', 'max-cost'],
  ['tokens', 'max-tokens'],
  ['turns', 'max-turns'],
  ['duration', 'max-duration'],
  ['tool_calls', 'max-tool-calls'],
];

function parseBudgetFlags(values: Partial<Record<(typeof BUDGET_FLAGS)[number][1], string>>): BudgetValues {
  const budgets: Partial<Record<BudgetKey, number>> = {};
  for (const [key, flag] of BUDGET_FLAGS) {
    const text = values[flag];
    if (text === undefined) continue;
    try {
      budgets[key] = parseBudgetFlag(key, text);
    } catch (error) {
      if (error instanceof BudgetConfigError) throw new UsageError(error.message);
      throw error;
    }
  }
  return budgets;
}

function parseBaseUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--base-url "${value}" is not a URL; write it like http://localhost:11434/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--base-url must be an http or https URL, not "${value}"`);
  }
  if (url.username !== '' || url.password !== '') {
    // A password in a URL ends up in traces, transcripts and process listings.
    throw new UsageError('--base-url must not contain a user name or password', 'put the key in ANTHROPIC_API_KEY or OPENAI_API_KEY instead');
  }
  return value.replace(/\/+$/, '');
}
