/**
 * `ward audit verify [SESSION | --all]`, `ward audit show [SESSION]`, `ward audit export
 * [SESSION | --all]`: the words after `audit`, checked here so args.ts only routes to it.
 */
import { UsageError } from './usage-error.ts';

export type AuditAction = 'verify' | 'show' | 'export';

export interface AuditArgs {
  readonly command: 'audit';
  readonly action: AuditAction;
  /** A session id; undefined means the project's latest session (or every one with --all). */
  readonly session: string | undefined;
  readonly all: boolean;
  readonly cwd: string | undefined;
}

const ACTIONS = new Set<string>(['verify', 'show', 'export']);
const USAGE_HINT = 'usage: ward audit verify [SESSION | --all], ward audit show [SESSION], ward audit export [SESSION | --all]';

export function parseAuditArgs(rest: readonly string[], values: { readonly cwd?: string | undefined; readonly all?: boolean | undefined }): AuditArgs {
  const [action, session, ...extra] = rest;
  if (action === undefined || !ACTIONS.has(action)) {
    throw new UsageError(action === undefined ? 'ward audit needs an action: verify, show or export' : `unknown audit action "${action}": use verify, show or export`, USAGE_HINT);
  }
  if (extra.length > 0) throw new UsageError(`ward audit ${action} takes at most one session id; got "${rest.slice(1).join(' ')}"`, USAGE_HINT);
  const all = values.all === true;
  if (all && action === 'show') throw new UsageError('ward audit show takes one session, not --all', USAGE_HINT);
  if (all && session !== undefined) throw new UsageError(`give a session id or --all, not both`, USAGE_HINT);
  if (values.cwd !== undefined && values.cwd.trim() === '') throw new UsageError('--cwd needs a value');
  return { command: 'audit', action: action as AuditAction, session, all, cwd: values.cwd };
}
