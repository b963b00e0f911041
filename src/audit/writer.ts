/**
 * The audit log of a session: `<session>.audit.jsonl` beside its transcript, one hash-chained
 * line per accountable event (see record.ts for the chain, event-fields.ts for what is kept).
 *
 * A bus subscriber like the transcript writer, and written the same way: a synchronous append
 * per event, so a `kill -9` leaves every completed line, and a disk failure throws (losing the
 * record must not go unnoticed). A resumed session continues the chain of the same file.
 */
import { existsSync, fsyncSync, readFileSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { closeSynced, openPrivateAppend } from '../session/private-file.ts';
import type { WardEvent } from '../events/schema.ts';
import { sha256Hex } from './canonical.ts';
import { auditFieldsFor, sandboxedBy } from './event-fields.ts';
import { classifyTail, splitLog } from './log-file.ts';
import { auditRecordSchema, GENESIS_HASH, sealRecord, type AuditFields } from './record.ts';

export interface AuditWriterOptions {
  readonly path: string;
  /** The canonical JSON of the effective settings and policy; its SHA-256 is in every session start. */
  readonly policyJson: string;
  readonly includeContent: boolean;
  /** From WARD_AUDIT_HMAC_KEY: adds a MAC to every line. Never written anywhere. */
  readonly hmacKey?: string | undefined;
  readonly now?: () => number;
}

interface ChainEnd {
  readonly seq: number;
  readonly hash: string;
}

export class AuditWriter {
  readonly path: string;
  readonly policyDigest: string;
  readonly #includeContent: boolean;
  readonly #hmacKey: string | undefined;
  readonly #now: () => number;
  readonly #sandboxed = new Map<string, boolean>();
  #fd: number | null;
  #seq: number;
  #prev: string;

  constructor(options: AuditWriterOptions) {
    this.path = options.path;
    this.policyDigest = sha256Hex(options.policyJson);
    this.#includeContent = options.includeContent;
    this.#hmacKey = options.hmacKey === '' ? undefined : options.hmacKey;
    this.#now = options.now ?? Date.now;
    const repairs: AuditFields[] = [];
    const end = existsSync(this.path) ? this.#continueChain(repairs) : null;
    this.#seq = end?.seq ?? 0;
    this.#prev = end?.hash ?? GENESIS_HASH;
    this.#fd = openPrivateAppend(this.path);
    for (const repair of repairs) this.#append(repair, this.#now());
  }

  /** The bus subscriber. */
  readonly write = (event: WardEvent): void => {
    if (this.#fd === null) return;
    if (event.type === 'tool_started') {
      const sandboxed = sandboxedBy(event.sandbox);
      if (sandboxed !== undefined) this.#sandboxed.set(event.callId, sandboxed);
    }
    const fields = auditFieldsFor(event, { includeContent: this.#includeContent, sandboxedCall: (callId) => this.#sandboxed.get(callId) });
    if (event.type === 'tool_finished') this.#sandboxed.delete(event.callId);
    if (fields === null) return;
    const extra = event.type === 'session_started' ? { policyDigest: this.policyDigest, includeContent: this.#includeContent } : {};
    this.#append({ ...fields, ...extra }, event.ts);
    // The end of a run is worth a flush to the disk; the process exits soon after.
    if (event.type === 'session_ended') fsyncSync(this.#fd);
  };

  close(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    closeSynced(fd);
  }

  #append(fields: AuditFields, tsMillis: number): void {
    if (this.#fd === null) return;
    const sealed = sealRecord({ seq: this.#seq + 1, ts: new Date(tsMillis).toISOString(), prev: this.#prev, fields, hmacKey: this.#hmacKey });
    writeSync(this.#fd, sealed.line);
    this.#seq += 1;
    this.#prev = sealed.hash;
  }

  /**
   * Where the existing log's chain ends. A torn last line (a crash mid-write) is moved aside to
   * a `.torn-<time>` file, exactly like the transcript's, and the chain continues from the last
   * whole line with a line recording the repair. Bytes a crash cannot leave (a change) stay in
   * the file, ended with a newline, for the verifier to name.
   */
  #continueChain(repairs: AuditFields[]): ChainEnd | null {
    const raw = readFileSync(this.path);
    const { lines, tail } = splitLog(raw);
    const tailKind = classifyTail(tail);
    if (tailKind === 'torn') {
      const keptAt = `${this.path}.torn-${this.#now()}`;
      writeFileSync(keptAt, tail, { mode: 0o600 });
      truncateSync(this.path, raw.length - tail.length);
      repairs.push({ event: 'audit_repair', problem: 'torn_last_line', bytes: tail.length, digest: sha256Hex(tail), keptAt });
    } else if (tailKind === 'complete' || tailKind === 'foreign') {
      writeFileSync(this.path, '\n', { flag: 'a' });
      lines.push(tail);
    }
    const last = lines.at(-1);
    if (last === undefined) return null;
    const parsed = parseRecord(last);
    if (parsed !== null) return parsed;
    // The chain is already broken here and the verifier will say so; new lines chain onto the
    // damaged line's bytes so that what this run adds is still provably in order.
    repairs.push({ event: 'audit_repair', problem: 'invalid_last_line', line: lines.length });
    return { seq: lines.length, hash: sha256Hex(last) };
  }
}

function parseRecord(line: Buffer): ChainEnd | null {
  let json: unknown;
  try {
    json = JSON.parse(line.toString('utf8'));
  } catch {
    return null;
  }
  const result = auditRecordSchema.safeParse(json);
  return result.success ? { seq: result.data.seq, hash: result.data.hash } : null;
}
