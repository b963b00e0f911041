/**
 * The effective settings and policy a session runs under, as one canonical JSON text: its
 * SHA-256 goes into every session start of the audit log, so two runs under the same rules
 * carry the same digest and any change to a rule, its origin, the mode, the sandbox or the
 * audit settings shows as a different one.
 */
import type { EffectivePolicy, OriginRule } from '../policy/effective.ts';
import { canonicalJson } from './canonical.ts';

/** What the sandbox really is for this session (the settings say what was asked for). */
export interface SandboxState {
  readonly state: string;
  readonly backend?: string;
}

export function policySnapshotJson(effective: EffectivePolicy, sandbox: SandboxState): string {
  const rules = (list: readonly OriginRule[]): unknown[] =>
    list.map((entry) => ({ rule: entry.rule.text, tools: [...entry.rule.tools], specifier: entry.rule.specifier, layer: entry.origin.layer, source: entry.origin.source }));
  return canonicalJson({
    mode: effective.mode,
    modeOrigin: effective.modeOrigin,
    allow: rules(effective.allow),
    ask: rules(effective.ask),
    deny: rules(effective.deny),
    hiddenTools: [...effective.hiddenTools].sort(),
    sandbox: {
      enabled: effective.sandbox.enabled,
      origin: effective.sandbox.origin,
      allowedDomains: [...effective.sandbox.allowedDomains],
      state: sandbox.state,
      backend: sandbox.backend,
    },
    provider: effective.provider,
    env: effective.env,
    audit: effective.audit,
    // Through JSON: a limit of Infinity ("none") becomes null instead of having no canonical form.
    budgets: JSON.parse(JSON.stringify(effective.budgets)) as unknown,
    settingsFiles: effective.files.map((file) => ({ layer: file.layer, path: file.path, present: file.present })),
    untrustedProjectSettings: effective.untrusted,
  });
}
