/**
 * Opens the audit log of a session for a front end: the file beside the transcript, the
 * effective policy's digest, content logging as the user's or managed settings say, and the
 * HMAC key from the environment.
 */
import type { EffectivePolicy } from '../policy/effective.ts';
import { auditPathFor } from './paths.ts';
import { policySnapshotJson, type SandboxState } from './policy-snapshot.ts';
import { AUDIT_HMAC_KEY_ENV } from './record.ts';
import { AuditWriter } from './writer.ts';

export interface SessionAuditInput {
  readonly transcriptPath: string;
  readonly effective: EffectivePolicy;
  readonly sandboxStatus: SandboxState;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function openSessionAudit(input: SessionAuditInput): AuditWriter {
  return new AuditWriter({
    path: auditPathFor(input.transcriptPath),
    policyJson: policySnapshotJson(input.effective, input.sandboxStatus),
    includeContent: input.effective.audit.includeContent,
    hmacKey: input.env[AUDIT_HMAC_KEY_ENV],
  });
}
