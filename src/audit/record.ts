/**
 * One line of an audit log and how it is sealed into the chain.
 *
 *   seq    1, 2, 3, … across every run of the session (a resume continues the count)
 *   ts     ISO 8601 time of the event
 *   prev   the previous line's hash; GENESIS_HASH on line 1
 *   hash   SHA-256 (hex) of the canonical encoding of the line without `hash` and `mac`
 *   mac    HMAC-SHA256(key, hash) (hex), only when WARD_AUDIT_HMAC_KEY is set
 *   event  what happened; the other fields depend on it (see event-fields.ts)
 *
 * The line on disk is itself the canonical encoding of the whole record, so there is exactly
 * one valid spelling of each line and a byte that changes without changing the value (an
 * escape, an exponent's case) is still a change the verifier sees.
 */
import { z } from 'zod';
import { canonicalJson, hmacSha256Hex, sha256Hex } from './canonical.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** The environment variable holding the HMAC key. Its name ends in KEY, so child-env.ts keeps
 * it from every command ward runs and the redactor masks its value everywhere. */
export const AUDIT_HMAC_KEY_ENV = 'WARD_AUDIT_HMAC_KEY';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');

/** The chain fields every line must have; the event's own fields pass through unchecked. */
export const auditRecordSchema = z.looseObject({
  seq: z.number().int().positive(),
  ts: z.string(),
  prev: hex64,
  hash: hex64,
  mac: hex64.optional(),
  event: z.string().min(1),
});

export type AuditRecord = z.infer<typeof auditRecordSchema>;

/** The fields an event contributes to its line; the chain fields are added when sealing. */
export type AuditFields = { readonly event: string } & Readonly<Record<string, unknown>>;

const CHAIN_FIELDS = new Set(['seq', 'ts', 'prev', 'hash', 'mac', 'event']);

export interface SealInput {
  readonly seq: number;
  readonly ts: string;
  readonly prev: string;
  readonly fields: AuditFields;
  readonly hmacKey?: string | undefined;
}

/** The hash a record must carry: over everything but `hash` and `mac`. */
export function recordHash(record: Readonly<Record<string, unknown>>): string {
  // No prototype: a key named __proto__ stays a key, as JSON.parse made it.
  const body = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) if (key !== 'hash' && key !== 'mac') body[key] = value;
  return sha256Hex(canonicalJson(body));
}

export function recordMac(hmacKey: string, hash: string): string {
  return hmacSha256Hex(hmacKey, hash);
}

/** Builds the sealed record and the exact line (with its newline) to append. */
export function sealRecord(input: SealInput): { record: Record<string, unknown>; line: string; hash: string } {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input.fields)) {
    // An event field named like a chain field would shadow it; the event name is the one exception.
    if (!CHAIN_FIELDS.has(key) || key === 'event') body[key] = value;
  }
  Object.assign(body, { seq: input.seq, ts: input.ts, prev: input.prev });
  const hash = sha256Hex(canonicalJson(body));
  const record: Record<string, unknown> = { ...body, hash };
  if (input.hmacKey !== undefined) record.mac = recordMac(input.hmacKey, hash);
  return { record, line: `${canonicalJson(record)}\n`, hash };
}
