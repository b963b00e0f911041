/**
 * Where a session's audit log lives: beside its transcript, `<session id>.audit.jsonl`, in the
 * same private folder (0700), so whatever can read one can read the other and nothing else can.
 */
export const AUDIT_SUFFIX = '.audit.jsonl';

/** `…/<id>.jsonl` -> `…/<id>.audit.jsonl`. */
export function auditPathFor(transcriptPath: string): string {
  const base = transcriptPath.endsWith('.jsonl') ? transcriptPath.slice(0, -'.jsonl'.length) : transcriptPath;
  return `${base}${AUDIT_SUFFIX}`;
}

export function isAuditLogName(name: string): boolean {
  return name.endsWith(AUDIT_SUFFIX);
}

/** The session id an audit log file name belongs to. */
export function sessionIdOfAuditLog(name: string): string {
  return name.slice(0, -AUDIT_SUFFIX.length);
}
