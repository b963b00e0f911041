/**
 * The permission decision for one tool call: allow, ask or deny, always with the reason and
 * what decided it. Precedence, highest first:
 *   1. deny rules (--disallowed-tools)
 *   2. bypass mode: everything else is allowed
 *   3. plan mode: anything that changes state or reaches out is denied
 *   4. allow rules (--allowed-tools)
 *   5. the mode's defaults: reads inside the project and ward's own bookkeeping are allowed;
 *      in accept-edits, edits inside the project too; everything else is asked
 * Headless runs turn "ask" into a denial elsewhere (the approver), never here, so the decision
 * recorded is the policy's own.
 */
import type { Decision, PermissionMode } from '../events/schema.ts';
import type { CallTarget, ToolKind } from '../tools/types.ts';
import { isInside, resolveReal } from './path-containment.ts';
import { ruleMatches } from './rule-match.ts';
import type { Rule } from './rules.ts';

export interface PolicyDecision {
  readonly decision: Decision;
  readonly reason: string;
  /** The rule, mode or default that decided, e.g. `--allowed-tools bash(npm test)`. */
  readonly source: string;
}

export interface PolicyConfig {
  readonly mode: PermissionMode;
  readonly allow: readonly Rule[];
  readonly deny: readonly Rule[];
  readonly projectRoot: string;
  readonly home: string;
}

export interface ProposedCall {
  readonly tool: string;
  readonly kind: ToolKind;
  readonly target: CallTarget;
}

/** Folders inside a project whose contents run code or hold ward's own state. */
const PROTECTED_SEGMENTS = ['.git', '.ward'];

export class Policy {
  readonly config: PolicyConfig;
  readonly #projectReal: string;

  constructor(config: PolicyConfig) {
    this.config = config;
    this.#projectReal = resolveReal(config.projectRoot);
  }

  decide(call: ProposedCall): PolicyDecision {
    const { mode, allow, deny } = this.config;
    const match = { tool: call.tool, target: call.target, projectRoot: this.#projectReal, home: this.config.home };

    const denied = deny.find((rule) => ruleMatches(rule, match, 'deny'));
    if (denied) return { decision: 'deny', reason: `denied by rule ${denied.text}`, source: `--disallowed-tools ${denied.text}` };

    if (mode === 'bypass') return { decision: 'allow', reason: 'bypass mode allows every call', source: 'mode bypass' };

    if (mode === 'plan' && call.kind !== 'read' && call.kind !== 'internal') {
      return { decision: 'deny', reason: `plan mode: ${call.tool} could change state, and plan mode only reads`, source: 'mode plan' };
    }

    const allowed = allow.find((rule) => ruleMatches(rule, match, 'allow'));
    if (allowed) return { decision: 'allow', reason: `allowed by rule ${allowed.text}`, source: `--allowed-tools ${allowed.text}` };

    return this.#modeDefault(call);
  }

  #modeDefault(call: ProposedCall): PolicyDecision {
    const { mode } = this.config;
    switch (call.kind) {
      case 'internal':
        return { decision: 'allow', reason: `${call.tool} only touches ward's session state`, source: 'default' };
      case 'read': {
        const outside = this.#firstOutside(call.target);
        if (outside === null) return { decision: 'allow', reason: 'reads inside the project are allowed', source: `mode ${mode}` };
        return { decision: 'ask', reason: `${outside} is outside the project`, source: `mode ${mode}` };
      }
      case 'edit': {
        const outside = this.#firstOutside(call.target);
        if (outside !== null) return { decision: 'ask', reason: `${outside} is outside the project`, source: `mode ${mode}` };
        const protectedPath = this.#firstProtected(call.target);
        if (protectedPath !== null) {
          return { decision: 'ask', reason: `${protectedPath} is a protected path (git or ward state)`, source: 'protected paths' };
        }
        if (mode === 'accept-edits') return { decision: 'allow', reason: 'accept-edits mode allows edits inside the project', source: 'mode accept-edits' };
        return { decision: 'ask', reason: 'file edits need approval in default mode', source: `mode ${mode}` };
      }
      case 'execute':
        return { decision: 'ask', reason: `running commands needs approval in ${mode} mode`, source: `mode ${mode}` };
      case 'network':
        return { decision: 'ask', reason: `network access needs approval in ${mode} mode`, source: `mode ${mode}` };
    }
  }

  /** The first target path outside the project, or null when all are inside (or there are none). */
  #firstOutside(target: CallTarget): string | null {
    for (const path of target.paths ?? []) {
      if (!isInside(this.#projectReal, resolveReal(path))) return path;
    }
    return null;
  }

  #firstProtected(target: CallTarget): string | null {
    for (const path of target.paths ?? []) {
      const real = resolveReal(path);
      for (const segment of PROTECTED_SEGMENTS) {
        if (isInside(`${this.#projectReal}/${segment}`, real)) return path;
      }
    }
    return null;
  }
}
