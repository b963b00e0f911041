/**
 * Proves an audit log intact, or names the first line where it is not and how.
 *
 * Each line, in order, must be: valid JSON with the chain fields; in canonical form (the exact
 * bytes ward would write for its value); carrying the hash of its content; with the key, the
 * MAC of that hash; numbered one more than the line before; and pointing at the line before's
 * hash (line 1 at the genesis value). The first line failing any of these is the break.
 *
 * What the file alone cannot show: lines removed from the end at a line boundary look like a
 * session that is still running or crashed. So the last whole line must be a session end when
 * `requireEnd` is set (the CLI sets it for every session but a project's newest); a torn last
 * line (a crash mid-write) is reported as such, not as tampering.
 */
import { readFileSync } from 'node:fs';
import { canonicalJson } from './canonical.ts';
import { classifyTail, splitLog } from './log-file.ts';
import { auditRecordSchema, GENESIS_HASH, recordHash, recordMac, type AuditRecord } from './record.ts';

export interface VerifyOptions {
  /** Checks every line's MAC; lines without one then fail. */
  readonly hmacKey?: string | undefined;
  /** The log must end with a session end (it is not the session that may still be running). */
  readonly requireEnd?: boolean;
}

export type BreakKind = 'edited' | 'inserted' | 'deleted' | 'reordered' | 'forged' | 'truncated' | 'bad_mac' | 'missing_mac';

export interface VerifyIntact {
  readonly ok: true;
  readonly path: string;
  /** Whole lines, all verified. */
  readonly lines: number;
  /** Runs of the session in this log (a resume adds one). */
  readonly runs: number;
  /** Whether the last line is a session end. */
  readonly ended: boolean;
  /** Lines recording a repair ward made when it reopened the log (a torn line moved aside). */
  readonly repairs: number;
  /** `verified` with a key; `unchecked` when lines carry MACs but no key was given. */
  readonly macs: 'verified' | 'unchecked' | 'none';
  /** The line a crash cut off, after the last whole line: not tampering. */
  readonly torn: { readonly line: number; readonly bytes: number } | null;
}

export interface VerifyBroken {
  readonly ok: false;
  readonly path: string;
  /** The first line that fails (for `truncated`, the first line missing). */
  readonly line: number;
  readonly kind: BreakKind;
  readonly message: string;
}

export type VerifyResult = VerifyIntact | VerifyBroken;

export class AuditReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditReadError';
  }
}

interface Loose {
  readonly seq?: unknown;
  readonly hash?: unknown;
}

export function verifyAuditLog(path: string, options: VerifyOptions = {}): VerifyResult {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (error) {
    throw new AuditReadError(`cannot read audit log ${path}: ${(error as Error).message}`);
  }
  const key = options.hmacKey === '' ? undefined : options.hmacKey;
  const { lines, tail } = splitLog(raw);
  const tailKind = classifyTail(tail);
  // A whole object missing only its newline is a line; bytes a crash cannot leave are judged as one.
  if (tailKind === 'complete' || tailKind === 'foreign') lines.push(tail);
  const loose = lines.map(looseParse);
  const broken = (line: number, kind: BreakKind, message: string): VerifyBroken => ({ ok: false, path, line, kind, message: `line ${line}: ${message}` });

  let prev = GENESIS_HASH;
  let runs = 0;
  let repairs = 0;
  let sawMac = false;
  let lastEvent: string | null = null;
  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const bytes = lines[index] ?? Buffer.alloc(0);
    const parsed = parseLine(bytes);
    if (typeof parsed === 'string') return broken(lineNo, 'edited', parsed);
    const record = parsed;
    if (record.hash !== recordHash(record)) return broken(lineNo, 'edited', 'its content does not match its hash (the line was changed)');
    if (record.mac !== undefined) sawMac = true;
    if (key !== undefined) {
      if (record.mac === undefined) return broken(lineNo, 'missing_mac', 'it has no MAC, but a key was given (it was written without the key, or forged)');
      if (record.mac !== recordMac(key, record.hash)) return broken(lineNo, 'bad_mac', 'its MAC does not match (the line was forged with a recomputed hash, or the key is not the one it was written with)');
    }
    if (record.seq !== lineNo) return sequenceBreak(lineNo, record, loose, broken);
    if (record.prev !== prev) {
      return broken(
        lineNo,
        'forged',
        lineNo === 1
          ? 'it does not start the chain (lines before it were removed, or it was forged)'
          : `it does not point at line ${lineNo - 1}'s hash: one of them was rewritten with a recomputed hash, or this line was put in its place`,
      );
    }
    prev = record.hash;
    lastEvent = record.event;
    if (record.event === 'session_started') runs++;
    if (record.event === 'audit_repair') repairs++;
  }

  const torn = tailKind === 'torn' ? { line: lines.length + 1, bytes: tail.length } : null;
  const ended = lastEvent === 'session_ended';
  if (options.requireEnd === true && !ended && torn === null) {
    return broken(
      lines.length + 1,
      'truncated',
      `missing: the log ends at line ${lines.length} without a session end, and this is not the newest session (the session was killed outright, or lines were removed from the end)`,
    );
  }
  return { ok: true, path, lines: lines.length, runs, ended, repairs, macs: key !== undefined ? 'verified' : sawMac ? 'unchecked' : 'none', torn };
}

/** A line's record, or what is wrong with it. */
function parseLine(bytes: Buffer): AuditRecord | string {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'not valid JSON (the line was changed or cut)';
  }
  const result = auditRecordSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return `not an audit record (${issue === undefined ? 'invalid' : `${issue.path.join('.') || '(line)'}: ${issue.message}`})`;
  }
  let canonical: string;
  try {
    canonical = canonicalJson(json);
  } catch {
    return 'holds a value with no canonical form';
  }
  if (!Buffer.from(canonical, 'utf8').equals(bytes)) return 'not in canonical form (the line was changed)';
  return result.data;
}

function looseParse(bytes: Buffer): Loose {
  try {
    const json: unknown = JSON.parse(bytes.toString('utf8'));
    return json !== null && typeof json === 'object' ? json : {};
  } catch {
    return {};
  }
}

/** Names what a wrong sequence number most likely means, from the other lines of the file. */
function sequenceBreak(lineNo: number, record: AuditRecord, loose: readonly Loose[], broken: (line: number, kind: BreakKind, message: string) => VerifyBroken): VerifyBroken {
  const expected = lineNo;
  const copy = loose.findIndex((other, index) => index !== lineNo - 1 && other.hash === record.hash);
  if (copy !== -1) return broken(lineNo, 'inserted', `it is a copy of line ${copy + 1} (seq ${record.seq} where ${expected} was expected)`);
  if (record.seq > expected) {
    const later = loose.slice(lineNo).some((other) => typeof other.seq === 'number' && other.seq >= expected && other.seq < record.seq);
    if (later) return broken(lineNo, 'reordered', `it has seq ${record.seq} where ${expected} was expected, and line ${expected} comes later: lines were moved`);
    const missing = record.seq - expected;
    return broken(lineNo, 'deleted', `it has seq ${record.seq} where ${expected} was expected: ${missing === 1 ? 'a line is' : `${missing} lines are`} missing before it`);
  }
  return broken(lineNo, 'reordered', `it has seq ${record.seq} where ${expected} was expected: it was moved here from earlier in the log, or inserted`);
}
