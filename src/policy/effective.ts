/**
 * Merges the settings layers into the policy a session runs under, with the origin of every
 * rule and setting kept for the reasons ward gives.
 *
 *   rules:     deny, ask and allow rules of every layer add up; deny beats ask beats allow
 *              (engine.ts). Managed `managedRulesOnly` drops allow and ask rules of the others.
 *   mode:      the first layer that sets one, highest first (a flag beats the files).
 *   sandbox:   on unless user or managed settings turn it off; project settings never can.
 *   widening:  project settings that widen (allow rules, a wider mode, a provider endpoint,
 *              environment, network domains) apply only when their exact content is trusted;
 *              narrowing ones (deny and ask rules, plan/default mode) always apply.
 */
import type { PermissionMode } from '../events/schema.ts';
import { parseDomainEntry } from '../sandbox/domain-allowlist.ts';
import { parseRule, RuleSyntaxError, splitRuleList, type Rule } from './rules.ts';
import { loadSettingsFile, type LoadedSettingsFile } from './settings/load.ts';
import { describeOrigin, settingsPaths, type Layer, type Origin } from './settings/layers.ts';
import type { Settings } from './settings/schema.ts';
import { BudgetConfigError, budgetValuesFromSettings, resolveBudgetLimits, type BudgetLimits, type BudgetValues } from '../session/budget-limits.ts';
import { resolveTelemetryLayers, type TelemetryLayers } from '../telemetry/layers.ts';
import { projectSettingsDigest, TrustStore, wideningIn } from './trust.ts';

export interface OriginRule {
  readonly rule: Rule;
  readonly origin: Origin;
}

export interface EffectivePolicy {
  readonly mode: PermissionMode;
  readonly modeOrigin: Origin | null;
  readonly allow: readonly OriginRule[];
  readonly ask: readonly OriginRule[];
  readonly deny: readonly OriginRule[];
  /** Tools hidden from the model: bare tool names in deny rules. */
  readonly hiddenTools: ReadonlySet<string>;
  readonly sandbox: { readonly enabled: boolean; readonly origin: Origin | null; readonly allowedDomains: readonly string[] };
  readonly provider: { readonly name?: string; readonly model?: string; readonly baseUrl?: string };
  readonly env: Readonly<Record<string, string>>;
  /** Budget limits: managed settings are ceilings; below them a flag wins, else the tightest file. */
  readonly budgets: BudgetLimits;
  /** Whether the audit log records content (prompts, answers, tool inputs and outputs); user and managed settings only. */
  readonly audit: { readonly includeContent: boolean; readonly origin: Origin | null };
  /** Telemetry settings of the user and managed layers (project settings are ignored); combined with the environment in src/telemetry/config.ts. */
  readonly telemetry: TelemetryLayers;
  /** `context.compactThreshold` of the highest layer that sets it (managed, project, user), or undefined. */
  readonly compactThreshold: number | undefined;
  /** `context.trimBatchTokens` of the highest layer that sets it, or undefined. */
  readonly trimBatchTokens: number | undefined;
  /** `context.promptCache` of the highest layer that sets it, or undefined. */
  readonly promptCache: boolean | undefined;
  readonly files: readonly { readonly layer: Layer; readonly path: string; readonly present: boolean }[];
  /** Set when the project has widening settings that are not trusted (and so were ignored). */
  readonly untrusted: { readonly digest: string; readonly widening: readonly string[] } | null;
  readonly warnings: readonly string[];
}

export class PolicyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyConfigError';
  }
}

export interface PolicyInputs {
  readonly projectRoot: string;
  readonly wardHome: string;
  readonly knownTools: ReadonlySet<string>;
  readonly cli: {
    readonly mode?: PermissionMode | undefined;
    readonly allowedTools: readonly string[];
    readonly disallowedTools: readonly string[];
    /** --max-cost, --max-tokens, --max-turns, --max-duration, --max-tool-calls, as given. */
    readonly budgets?: BudgetValues;
  };
  /** --trust-project: apply the project's widening settings for this run. */
  readonly trustProject: boolean;
  /** Only tests pass another path; ward itself always reads /etc/ward/managed-settings.json. */
  readonly managedSettingsPath?: string;
}

export function resolveEffectivePolicy(inputs: PolicyInputs): EffectivePolicy {
  const paths = { ...settingsPaths(inputs.projectRoot, inputs.wardHome), ...(inputs.managedSettingsPath === undefined ? {} : { managed: inputs.managedSettingsPath }) };
  const managed = loadSettingsFile(paths.managed);
  const projectLocal = loadSettingsFile(paths['project-local']);
  const project = loadSettingsFile(paths.project);
  const user = loadSettingsFile(paths.user);
  const warnings: string[] = [];

  // Trust covers both project files together: either one changing asks again.
  const widening = [...(project ? wideningIn(project.settings) : []), ...(projectLocal ? wideningIn(projectLocal.settings) : [])];
  let projectTrusted = widening.length === 0 || inputs.trustProject;
  let untrusted: EffectivePolicy['untrusted'] = null;
  if (!projectTrusted) {
    const digest = projectSettingsDigest([project, projectLocal]);
    projectTrusted = new TrustStore(inputs.wardHome).isTrusted(inputs.projectRoot, digest);
    if (!projectTrusted) {
      untrusted = { digest, widening };
      warnings.push(
        `this project's settings widen ward's permissions (${widening.join('; ')}) but are not trusted, so those parts are ignored. ` +
          'Review .ward/settings.json and .ward/settings.local.json, then run `ward trust` (or pass --trust-project for one run).',
      );
    }
  }

  const layers: { layer: Layer; file: LoadedSettingsFile | null; trusted: boolean }[] = [
    { layer: 'managed', file: managed, trusted: true },
    { layer: 'project-local', file: projectLocal, trusted: projectTrusted },
    { layer: 'project', file: project, trusted: projectTrusted },
    { layer: 'user', file: user, trusted: true },
  ];
  const managedOnly = managed?.settings.permissions?.managedRulesOnly === true;

  const parse = (texts: readonly string[], origin: Origin): OriginRule[] =>
    texts.flatMap(splitRuleListIfFlag(origin)).map((text) => {
      try {
        return { rule: parseRule(text, inputs.knownTools), origin };
      } catch (error) {
        if (error instanceof RuleSyntaxError) throw new PolicyConfigError(`${describeOrigin(origin)}: ${error.message}`);
        throw error;
      }
    });

  // Rules of every layer add up (which one wins is the engine's deny > ask > allow); the
  // order here only decides which rule a reason cites first: managed, flags, files.
  const cliAllow = parse(inputs.cli.allowedTools, { layer: 'cli', source: '--allowed-tools' });
  const cliDeny = parse(inputs.cli.disallowedTools, { layer: 'cli', source: '--disallowed-tools' });
  const fromFile = (entry: (typeof layers)[number], key: 'allow' | 'ask' | 'deny'): OriginRule[] =>
    entry.file === null ? [] : parse(entry.file.settings.permissions?.[key] ?? [], { layer: entry.layer, source: entry.file.path });
  const [managedLayer, ...lower] = layers as [(typeof layers)[number], ...(typeof layers)[number][]];
  const deny = [...fromFile(managedLayer, 'deny'), ...cliDeny, ...lower.flatMap((entry) => fromFile(entry, 'deny'))];
  const ask = [...fromFile(managedLayer, 'ask'), ...(managedOnly ? [] : lower.flatMap((entry) => fromFile(entry, 'ask')))];
  const allow = [
    ...fromFile(managedLayer, 'allow'),
    ...(managedOnly ? [] : [...cliAllow, ...lower.filter((entry) => entry.trusted).flatMap((entry) => fromFile(entry, 'allow'))]),
  ];
  if (managedOnly && (cliAllow.length > 0 || lower.some((entry) => (entry.file?.settings.permissions?.allow ?? []).length > 0))) {
    warnings.push(`managed settings (${paths.managed}) allow only their own rules: allow and ask rules from flags and other settings files are ignored`);
  }

  const { mode, modeOrigin } = resolveMode(inputs, layers);
  if (mode === 'bypass' && managed?.settings.permissions?.disableBypassMode === true) {
    throw new PolicyConfigError(`bypass mode is disabled by managed settings (${managed.path}); choose another --permission-mode`);
  }

  const sandbox = resolveSandbox(layers);
  const provider = mergeProvider(layers);
  const audit = resolveAudit(layers, warnings);
  const telemetry = resolveTelemetryLayers(layers, warnings);
  const budgets = resolveBudgets(layers, inputs.cli.budgets ?? {});
  // A threshold only moves when compaction happens, never what runs, so untrusted files apply too.
  const contextSetting = <K extends 'compactThreshold' | 'trimBatchTokens' | 'promptCache'>(key: K) =>
    layers.map((entry) => entry.file?.settings.context?.[key]).find((value) => value !== undefined);
  const compactThreshold = contextSetting('compactThreshold');
  const trimBatchTokens = contextSetting('trimBatchTokens');
  const promptCache = contextSetting('promptCache');
  const env = Object.assign({}, ...layers.slice().reverse().filter((entry) => entry.trusted).map((entry) => entry.file?.settings.env ?? {})) as Record<string, string>;

  return {
    mode,
    modeOrigin,
    allow,
    ask,
    deny,
    hiddenTools: new Set(deny.filter((entry) => entry.rule.specifier === null).flatMap((entry) => entry.rule.tools)),
    sandbox,
    provider,
    env,
    budgets,
    audit,
    telemetry,
    compactThreshold,
    trimBatchTokens,
    promptCache,
    files: (['managed', 'project-local', 'project', 'user'] as const).map((layer) => ({ layer, path: paths[layer], present: layers.find((entry) => entry.layer === layer)?.file != null })),
    untrusted,
    warnings,
  };
}

/** Flag values may hold several rules ("read,grep bash(npm test)"); file entries are one each. */
function splitRuleListIfFlag(origin: Origin): (text: string) => string[] {
  return (text) => (origin.layer === 'cli' ? splitRuleList(text) : [text]);
}

function resolveMode(
  inputs: PolicyInputs,
  layers: readonly { layer: Layer; file: LoadedSettingsFile | null; trusted: boolean }[],
): { mode: PermissionMode; modeOrigin: Origin | null } {
  if (inputs.cli.mode !== undefined) return { mode: inputs.cli.mode, modeOrigin: { layer: 'cli', source: '--permission-mode' } };
  for (const { layer, file, trusted } of layers) {
    const mode = file?.settings.permissions?.defaultMode;
    if (file === null || mode === undefined) continue;
    // An untrusted project may narrow the mode (plan, default) but not widen it.
    if (!trusted && mode !== 'plan' && mode !== 'default') continue;
    return { mode, modeOrigin: { layer, source: file.path } };
  }
  return { mode: 'default', modeOrigin: null };
}

function resolveSandbox(layers: readonly { layer: Layer; file: LoadedSettingsFile | null; trusted: boolean }[]): EffectivePolicy['sandbox'] {
  let enabled = true;
  let origin: Origin | null = null;
  for (const { layer, file } of layers) {
    const setting = file?.settings.sandbox?.enabled;
    if (file === null || setting === undefined) continue;
    // Only the user (or their organisation) may turn the sandbox off; a repository never can.
    if (layer !== 'user' && layer !== 'managed') continue;
    enabled = setting;
    origin = { layer, source: file.path };
    break;
  }
  const domains = new Set<string>();
  for (const { layer, file, trusted } of layers) {
    if (file === null || !trusted) continue;
    for (const domain of file.settings.sandbox?.network?.allowedDomains ?? []) {
      // Validated here, so a bad entry is an error naming its file, not a failure at start.
      const parsed = parseDomainEntry(domain);
      if (!parsed.ok) throw new PolicyConfigError(`${describeOrigin({ layer, source: file.path })}: sandbox.network.allowedDomains: ${parsed.reason}`);
      domains.add(domain);
    }
  }
  return { enabled, origin, allowedDomains: [...domains] };
}

/**
 * Content in the audit log is the user's (or their organisation's) choice, never a repository's:
 * a project that could turn it on would have prompts, file contents and command output kept
 * (and exported to a SIEM) where the user never chose to keep them. Managed settings win.
 */
function resolveAudit(layers: readonly { layer: Layer; file: LoadedSettingsFile | null }[], warnings: string[]): EffectivePolicy['audit'] {
  let audit: EffectivePolicy['audit'] = { includeContent: false, origin: null };
  for (const { layer, file } of layers.slice().reverse()) {
    const setting = file?.settings.audit?.includeContent;
    if (file === null || setting === undefined) continue;
    if (layer !== 'user' && layer !== 'managed') {
      warnings.push(`${describeOrigin({ layer, source: file.path })}: audit.includeContent is ignored (only your user settings or managed settings decide what the audit log records)`);
      continue;
    }
    audit = { includeContent: setting, origin: { layer, source: file.path } };
  }
  return audit;
}

/** Budgets only narrow below managed settings, so untrusted project files apply too. */
function resolveBudgets(layers: readonly { layer: Layer; file: LoadedSettingsFile | null }[], flags: BudgetValues): BudgetLimits {
  const fromFile = (entry: { layer: Layer; file: LoadedSettingsFile }): { values: BudgetValues; source: string } => ({
    values: budgetValuesFromSettings(entry.file.settings.budgets),
    source: describeOrigin({ layer: entry.layer, source: entry.file.path }),
  });
  const present = layers.filter((entry): entry is { layer: Layer; file: LoadedSettingsFile } => entry.file !== null);
  const managed = present.find((entry) => entry.layer === 'managed');
  try {
    return resolveBudgetLimits({
      managed: managed === undefined ? null : { values: budgetValuesFromSettings(managed.file.settings.budgets), source: managed.file.path },
      files: present.filter((entry) => entry.layer !== 'managed').map(fromFile),
      flags,
    });
  } catch (error) {
    if (error instanceof BudgetConfigError) throw new PolicyConfigError(error.message);
    throw error;
  }
}

function mergeProvider(layers: readonly { layer: Layer; file: LoadedSettingsFile | null; trusted: boolean }[]): EffectivePolicy['provider'] {
  const merged: { name?: string; model?: string; baseUrl?: string } = {};
  for (const { file, trusted } of layers.slice().reverse()) {
    const provider: Settings['provider'] = file?.settings.provider;
    if (provider === undefined) continue;
    if (provider.model !== undefined) merged.model = provider.model;
    if (!trusted) continue;
    if (provider.name !== undefined) merged.name = provider.name;
    if (provider.baseUrl !== undefined) merged.baseUrl = provider.baseUrl;
  }
  return merged;
}
