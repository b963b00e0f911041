/**
 * Property-based proof of the chain: for random audit logs written by the real writer, every
 * kind of tampering is caught at the line where it happened, and a crash at any byte leaves a
 * log that verifies up to its last whole line with the torn rest named as a crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { AuditWriter } from '../../src/audit/writer.ts';
import { sealRecord } from '../../src/audit/record.ts';
import { verifyAuditLog, type VerifyResult } from '../../src/audit/verify.ts';
import { linesOf, sessionEvents, tempDir, writeAuditLog } from './audit-log-fixtures.ts';

const RUNS = 200;
const KEY = 'property-test-hmac-key-0123456789';

function verifyBytes(path: string, bytes: Buffer, options: { hmacKey?: string; requireEnd?: boolean } = {}): VerifyResult {
  writeFileSync(path, bytes);
  return verifyAuditLog(path, options);
}

function assertBrokenAt(result: VerifyResult, line: number, kinds: readonly string[]): void {
  assert.equal(result.ok, false, 'the change went unnoticed');
  if (result.ok) return;
  assert.equal(result.line, line, result.message);
  assert.ok(kinds.includes(result.kind), `kind ${result.kind}: ${result.message}`);
}

/** The first line (1-based) where two logs differ. */
function firstDifference(before: readonly Buffer[], after: readonly Buffer[]): number {
  for (let index = 0; ; index++) {
    const a = before[index];
    const b = after[index];
    if (a === undefined || b === undefined || !a.equals(b)) return index + 1;
  }
}

test('an untouched log verifies, with its line count', () => {
  const tmp = tempDir();
  try {
    fc.assert(
      fc.property(sessionEvents, fc.boolean(), (events, keyed) => {
        const raw = writeAuditLog(tmp.next(), events, keyed ? { hmacKey: KEY } : {});
        const result = verifyBytes(tmp.next(), raw, { requireEnd: true, ...(keyed ? { hmacKey: KEY } : {}) });
        assert.ok(result.ok, result.ok ? '' : result.message);
        assert.equal(result.lines, events.length);
        assert.equal(result.ended, true);
      }),
      { numRuns: RUNS },
    );
  } finally {
    tmp.cleanup();
  }
});

test('any single-byte change anywhere is detected at the line it is in (with and without an HMAC key)', () => {
  const tmp = tempDir();
  try {
    fc.assert(
      fc.property(sessionEvents, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (events, offsetSeed, flip, keyed) => {
        const options = keyed ? { hmacKey: KEY } : {};
        const raw = writeAuditLog(tmp.next(), events, options);
        const offset = offsetSeed % raw.length;
        const changed = Buffer.from(raw);
        changed[offset] = (changed[offset] ?? 0) ^ flip;
        const line = raw.subarray(0, offset).filter((byte) => byte === 0x0a).length + 1;
        assertBrokenAt(verifyBytes(tmp.next(), changed, { requireEnd: true, ...options }), line, ['edited', 'bad_mac']);
      }),
      { numRuns: RUNS * 3 },
    );
  } finally {
    tmp.cleanup();
  }
});

test('a deleted line anywhere is detected where it was (the last one: the log is truncated)', () => {
  const tmp = tempDir();
  try {
    fc.assert(
      fc.property(sessionEvents, fc.nat(), (events, seed) => {
        const lines = linesOf(writeAuditLog(tmp.next(), events));
        const index = seed % lines.length;
        const after = lines.filter((_, i) => i !== index);
        const kinds = index === lines.length - 1 ? ['truncated'] : ['deleted'];
        assertBrokenAt(verifyBytes(tmp.next(), Buffer.concat(after), { requireEnd: true }), index + 1, kinds);
      }),
      { numRuns: RUNS },
    );
  } finally {
    tmp.cleanup();
  }
});

test('a copy of another line inserted anywhere is detected at the first line that differs', () => {
  const tmp = tempDir();
  try {
    fc.assert(
      fc.property(sessionEvents, fc.nat(), fc.nat(), fc.boolean(), (events, copySeed, whereSeed, keyed) => {
        const options = keyed ? { hmacKey: KEY } : {};
        const lines = linesOf(writeAuditLog(tmp.next(), events, options));
        const copy = lines[copySeed % lines.length]!;
        const where = whereSeed % (lines.length + 1);
        const after = [...lines.slice(0, where), copy, ...lines.slice(where)];
        assertBrokenAt(verifyBytes(tmp.next(), Buffer.concat(after), { requireEnd: true, ...options }), firstDifference(lines, after), ['inserted']);
      }),
      { numRuns: RUNS },
    );
  } finally {
    tmp.cleanup();
  }
});

test('a forged line with a correctly recomputed hash but the wrong prev is detected where it was put', () => {
  const tmp = tempDir();
  try {
    fc.assert(
      fc.property(sessionEvents, fc.nat(), fc.stringMatching(/^[0-9a-f]{64}$/), fc.string(), (events, whereSeed, wrongPrev, message) => {
        const lines = linesOf(writeAuditLog(tmp.next(), events));
        const where = whereSeed % (lines.length + 1);
        const rightPrev = where === 0 ? '0'.repeat(64) : (JSON.parse(lines[where - 1]!.toString()) as { hash: string }).hash;
        fc.pre(wrongPrev !== rightPrev);
        const forged = sealRecord({ seq: where + 1, ts: new Date(0).toISOString(), prev: wrongPrev, fields: { event: 'warning', message } });
        const after = [...lines.slice(0, where), Buffer.from(forged.line), ...lines.slice(where)];
        assertBrokenAt(verifyBytes(tmp.next(), Buffer.concat(after), { requireEnd: true }), where + 1, ['forged']);
      }),
      { numRuns: RUNS },
    );
  } finally {
    tmp.cleanup();
  }
});

test('two lines swapped anywhere are detected at the first of them', () => {
  const tmp = tempDir();
  try {
    fc.assert(
      fc.property(sessionEvents, fc.nat(), fc.nat(), (events, aSeed, bSeed) => {
        const lines = linesOf(writeAuditLog(tmp.next(), events));
        const a = aSeed % lines.length;
        const b = bSeed % lines.length;
        fc.pre(a !== b);
        const after = [...lines];
        [after[a], after[b]] = [lines[b]!, lines[a]!];
        assertBrokenAt(verifyBytes(tmp.next(), Buffer.concat(after), { requireEnd: true }), Math.min(a, b) + 1, ['reordered']);
      }),
      { numRuns: RUNS },
    );
  } finally {
    tmp.cleanup();
  }
});

test('a crash at any byte leaves a log that verifies up to its last whole line, the torn rest named as a crash; reopening repairs it', () => {
  const tmp = tempDir();
  try {
    fc.assert(
      fc.property(sessionEvents, sessionEvents, fc.nat(), fc.boolean(), (events, resumedEvents, offsetSeed, keyed) => {
        const options = keyed ? { hmacKey: KEY } : {};
        const raw = writeAuditLog(tmp.next(), events, options);
        const cut = offsetSeed % (raw.length + 1);
        const prefix = raw.subarray(0, cut);
        const whole = linesOf(prefix).length;
        const tail = prefix.length - Buffer.concat(linesOf(prefix)).length;
        // A cut just before a newline leaves a whole record without it: that is a line, not a tear.
        const tailIsRecord = tail > 0 && raw[cut] === 0x0a;
        const path = tmp.next();
        const result = verifyBytes(path, prefix, options);
        assert.ok(result.ok, result.ok ? '' : result.message);
        assert.equal(result.lines, whole + (tailIsRecord ? 1 : 0));
        assert.deepEqual(result.torn, tail > 0 && !tailIsRecord ? { line: whole + 1, bytes: tail } : null);

        // The next run continues the same file: the chain goes on from the last whole line.
        const writer = new AuditWriter({ path, policyJson: '{}', includeContent: false, hmacKey: options.hmacKey });
        for (const event of resumedEvents) writer.write(event);
        writer.close();
        const resumed = verifyAuditLog(path, { requireEnd: true, ...options });
        assert.ok(resumed.ok, resumed.ok ? '' : resumed.message);
        assert.equal(resumed.torn, null);
        assert.equal(resumed.repairs, tail > 0 && !tailIsRecord ? 1 : 0);
        assert.equal(resumed.lines, result.lines + resumed.repairs + resumedEvents.length);
      }),
      { numRuns: RUNS },
    );
  } finally {
    tmp.cleanup();
  }
});
