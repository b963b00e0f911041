/**
 * The audit writer and the verifier on real files: what a line holds (and does not), the
 * chain, resuming, crash repair, the HMAC, and what each kind of break is called.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBus } from '../../src/events/bus.ts';
import type { WardEvent } from '../../src/events/schema.ts';
import { buildChildEnv, secretValuesFrom } from '../../src/policy/child-env.ts';
import { createRedactor } from '../../src/policy/redaction.ts';
import { canonicalJson, sha256Hex } from '../../src/audit/canonical.ts';
import { AUDIT_HMAC_KEY_ENV, GENESIS_HASH, recordHash, recordMac, sealRecord } from '../../src/audit/record.ts';
import { verifyAuditLog } from '../../src/audit/verify.ts';
import { AuditWriter } from '../../src/audit/writer.ts';
import { tempDir, writeAuditLog } from './audit-log-fixtures.ts';

const CANARY = 'CANARY-7f3e-do-not-log';
const KEY = 'a-test-hmac-key-of-reasonable-length';

/** A small but complete session: every accountable kind, with the canary in every content field. */
function session(ts = Date.UTC(2026, 10, 21, 5, 26, 53)): WardEvent[] {
  const at = (offset: number): number => ts + offset;
  return [
    { type: 'session_started', ts: at(0), sessionId: '20261121-052653-3f9a1c', cwd: '/p', provider: 'anthropic', model: 'm', baseUrl: 'http://127.0.0.1', permissionMode: 'default', wardVersion: '0.1.0', resumed: false },
    { type: 'user_message', ts: at(1), text: `read the file ${CANARY}` },
    { type: 'model_request', ts: at(2), turn: 1, attempt: 1, messageCount: 1 },
    { type: 'retry', ts: at(3), attempt: 2, maxAttempts: 5, delayMs: 1000, reason: 'overloaded', status: 529 },
    { type: 'text_delta', ts: at(4), turn: 1, text: CANARY },
    { type: 'assistant_message', ts: at(5), turn: 1, stopReason: 'tool_use', content: [{ type: 'text', text: CANARY }, { type: 'tool_use', id: 'c1', name: 'bash', input: { command: `cat ${CANARY}` } }] },
    { type: 'usage', ts: at(6), turn: 1, usage: { inputTokens: 10, outputTokens: 5, cacheWriteTokens: 0, cacheReadTokens: 3 }, costUsd: 0.0012, totalUsage: { inputTokens: 10, outputTokens: 5, cacheWriteTokens: 0, cacheReadTokens: 3 }, totalCostUsd: 0.0012 },
    { type: 'tool_proposed', ts: at(7), callId: 'c1', tool: 'bash', input: { command: `cat ${CANARY}` } },
    { type: 'tool_decision', ts: at(8), callId: 'c1', tool: 'bash', decision: 'ask', reason: 'running this needs approval in default mode', source: 'default mode' },
    { type: 'tool_approval', ts: at(9), callId: 'c1', approved: true, by: 'user', reason: 'approved' },
    { type: 'tool_started', ts: at(10), callId: 'c1', tool: 'bash', sandbox: 'bubblewrap' },
    { type: 'network_decision', ts: at(11), method: 'CONNECT', host: 'evil.example', port: 443, allowed: false, reason: 'evil.example is not an allowed domain' },
    { type: 'tool_finished', ts: at(12), callId: 'c1', tool: 'bash', status: 'ok', output: `${CANARY}\n`, durationMs: 12.5, truncated: false, exitCode: 0 },
    { type: 'todos_updated', ts: at(13), todos: [{ content: CANARY, status: 'pending' }] },
    { type: 'warning', ts: at(14), message: 'a protected path was moved aside' },
    { type: 'error', ts: at(15), message: 'provider failed', hint: 'try again', fatal: false },
    { type: 'session_ended', ts: at(16), reason: 'completed', result: `done: ${CANARY}`, turns: 1, totalUsage: { inputTokens: 10, outputTokens: 5, cacheWriteTokens: 0, cacheReadTokens: 3 }, totalCostUsd: 0.0012, durationMs: 16, exitCode: 0 },
  ];
}

function records(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('one chained line per accountable event, private, with decisions and reasons but no content', () => {
  const tmp = tempDir();
  try {
    const path = join(tmp.dir, 'sessions', 'x.audit.jsonl');
    const policyJson = canonicalJson({ mode: 'default', deny: ['bash(rm:*)'] });
    writeAuditLog(path, session(), { policyJson });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(tmp.dir, 'sessions')).mode & 0o777, 0o700);
    const text = readFileSync(path, 'utf8');
    assert.ok(!text.includes(CANARY), 'content reached the audit log');
    const lines = records(path);
    assert.deepEqual(
      lines.map((line) => line.event),
      ['session_started', 'user_message', 'model_request', 'retry', 'assistant_message', 'usage', 'tool_proposed', 'tool_decision', 'tool_approval', 'tool_started', 'network_decision', 'tool_finished', 'warning', 'error', 'session_ended'],
    );
    lines.forEach((line, index) => {
      assert.equal(line.seq, index + 1);
      assert.equal(line.prev, index === 0 ? GENESIS_HASH : lines[index - 1]?.hash);
      assert.equal(line.hash, recordHash(line));
    });
    assert.equal(lines[0]?.ts, '2026-11-21T05:26:53.000Z');
    assert.equal(lines[0]?.policyDigest, sha256Hex(policyJson));
    assert.equal(lines[0]?.includeContent, false);
    const byEvent = (event: string): Record<string, unknown> => lines.find((line) => line.event === event) ?? {};
    assert.equal(byEvent('tool_proposed').inputDigest, sha256Hex(canonicalJson({ command: `cat ${CANARY}` })));
    assert.equal(byEvent('tool_decision').reason, 'running this needs approval in default mode');
    assert.equal(byEvent('tool_approval').by, 'user');
    assert.equal(byEvent('tool_started').sandboxed, true);
    assert.deepEqual([byEvent('tool_finished').exitCode, byEvent('tool_finished').durationMs, byEvent('tool_finished').sandboxed], [0, 12.5, true]);
    assert.equal(byEvent('network_decision').reason, 'evil.example is not an allowed domain');
    assert.equal(byEvent('session_ended').exitCode, 0);
    const result = verifyAuditLog(path, { requireEnd: true });
    assert.deepEqual(result, { ok: true, path, lines: 15, runs: 1, ended: true, repairs: 0, macs: 'none', torn: null });
  } finally {
    tmp.cleanup();
  }
});

test('with includeContent, prompts, tool inputs and outputs and answers are recorded too', () => {
  const tmp = tempDir();
  try {
    const path = tmp.next();
    writeAuditLog(path, session(), { includeContent: true });
    const lines = records(path);
    assert.equal(lines[0]?.includeContent, true);
    for (const event of ['user_message', 'assistant_message', 'tool_proposed', 'tool_finished', 'session_ended']) {
      assert.ok(JSON.stringify(lines.find((line) => line.event === event)).includes(CANARY), event);
    }
    assert.ok(verifyAuditLog(path).ok);
  } finally {
    tmp.cleanup();
  }
});

test('a resumed session continues the chain of the same file', () => {
  const tmp = tempDir();
  try {
    const path = tmp.next();
    writeAuditLog(path, session());
    writeAuditLog(path, session(Date.UTC(2026, 10, 22)));
    const lines = records(path);
    assert.equal(lines.length, 30);
    assert.equal(lines[15]?.seq, 16);
    assert.equal(lines[15]?.prev, lines[14]?.hash);
    const result = verifyAuditLog(path, { requireEnd: true });
    assert.ok(result.ok && result.runs === 2 && result.lines === 30, JSON.stringify(result));
  } finally {
    tmp.cleanup();
  }
});

test('a torn last line is a crash, not tampering; reopening moves it aside and records the repair', () => {
  const tmp = tempDir();
  try {
    const path = join(tmp.dir, 's.audit.jsonl');
    const events = session();
    writeAuditLog(path, events.slice(0, 8));
    appendFileSync(path, '{"event":"tool_decis');
    const torn = verifyAuditLog(path);
    assert.ok(torn.ok);
    assert.deepEqual(torn.torn, { line: 8, bytes: 20 });
    // Not the newest session: a torn end still explains the missing session end.
    assert.ok(verifyAuditLog(path, { requireEnd: true }).ok);

    writeAuditLog(path, events.slice(8));
    const kept = readdirSync(tmp.dir).filter((name) => name.includes('.torn-'));
    assert.equal(kept.length, 1);
    assert.equal(readFileSync(join(tmp.dir, kept[0] ?? '')).toString(), '{"event":"tool_decis');
    const repair = records(path)[7] ?? {};
    assert.equal(repair.event, 'audit_repair');
    assert.equal(repair.problem, 'torn_last_line');
    assert.equal(repair.bytes, 20);
    const after = verifyAuditLog(path, { requireEnd: true });
    assert.ok(after.ok && after.repairs === 1 && after.torn === null && after.lines === 7 + 1 + 8, JSON.stringify(after));
  } finally {
    tmp.cleanup();
  }
});

test('a whole last line missing only its newline is kept as a line, and the next run starts on a new one', () => {
  const tmp = tempDir();
  try {
    const path = tmp.next();
    const raw = writeAuditLog(path, session().slice(0, 5));
    truncateSync(path, raw.length - 1);
    const result = verifyAuditLog(path);
    assert.ok(result.ok && result.lines === 4 && result.torn === null, JSON.stringify(result));
    writeAuditLog(path, session().slice(5));
    assert.ok(verifyAuditLog(path, { requireEnd: true }).ok);
  } finally {
    tmp.cleanup();
  }
});

test('bytes a crash cannot leave at the end are a change: the verifier names the line, the writer keeps it', () => {
  const tmp = tempDir();
  try {
    const path = tmp.next();
    const raw = writeAuditLog(path, session().slice(0, 3));
    writeFileSync(path, Buffer.concat([raw.subarray(0, raw.length - 1), Buffer.from('x')]));
    const result = verifyAuditLog(path);
    assert.ok(!result.ok && result.line === 3 && result.kind === 'edited', JSON.stringify(result));
    writeAuditLog(path, session().slice(3));
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    assert.match(lines[2] ?? '', /\}x$/);
    assert.equal((JSON.parse(lines[3] ?? '{}') as { problem?: string }).problem, 'invalid_last_line');
    const again = verifyAuditLog(path);
    assert.ok(!again.ok && again.line === 3, JSON.stringify(again));
  } finally {
    tmp.cleanup();
  }
});

test('a change that keeps the value (an escape in another case) is still a change', () => {
  const tmp = tempDir();
  try {
    const path = tmp.next();
    writeAuditLog(path, [{ type: 'warning', ts: 0, message: 'bell \u001f here' }]);
    const text = readFileSync(path, 'utf8');
    assert.ok(text.includes('\\u001f'));
    writeFileSync(path, text.replace('\\u001f', '\\u001F'));
    const result = verifyAuditLog(path);
    assert.ok(!result.ok && result.line === 1 && result.kind === 'edited' && /canonical/.test(result.message), JSON.stringify(result));
  } finally {
    tmp.cleanup();
  }
});

test('a log without a session end is truncated unless it may still be running', () => {
  const tmp = tempDir();
  try {
    const path = tmp.next();
    writeAuditLog(path, session().slice(0, 6));
    const newest = verifyAuditLog(path);
    assert.ok(newest.ok && !newest.ended);
    const older = verifyAuditLog(path, { requireEnd: true });
    assert.ok(!older.ok && older.kind === 'truncated' && older.line === 6, JSON.stringify(older));
  } finally {
    tmp.cleanup();
  }
});

test('with an HMAC key every line carries a MAC; a forged line with a recomputed chain fails only with the key', () => {
  const tmp = tempDir();
  try {
    const path = tmp.next();
    writeAuditLog(path, session(), { hmacKey: KEY });
    const lines = records(path);
    assert.ok(lines.every((line) => line.mac === recordMac(KEY, String(line.hash))));
    assert.ok(!readFileSync(path, 'utf8').includes(KEY), 'the key itself is never written');
    const verified = verifyAuditLog(path, { hmacKey: KEY });
    assert.ok(verified.ok && verified.macs === 'verified', JSON.stringify(verified));
    const unchecked = verifyAuditLog(path);
    assert.ok(unchecked.ok && unchecked.macs === 'unchecked');
    const wrongKey = verifyAuditLog(path, { hmacKey: 'another key' });
    assert.ok(!wrongKey.ok && wrongKey.kind === 'bad_mac' && wrongKey.line === 1);

    // Someone without the key rewrites a decision and recomputes every hash after it.
    let prev = GENESIS_HASH;
    const forged = lines.map((line) => {
      const fields = { ...line, ...(line.event === 'tool_decision' ? { decision: 'allow', reason: 'allowed by rule bash' } : {}) } as Record<string, unknown> & { event: string };
      const sealed = sealRecord({ seq: Number(line.seq), ts: String(line.ts), prev, fields });
      prev = sealed.hash;
      return canonicalJson({ ...sealed.record, mac: line.mac });
    });
    writeFileSync(path, `${forged.join('\n')}\n`);
    assert.ok(verifyAuditLog(path).ok, 'plain hashes alone cannot tell: this is what the key is for');
    const keyed = verifyAuditLog(path, { hmacKey: KEY });
    assert.ok(!keyed.ok && keyed.kind === 'bad_mac' && keyed.line === 8, JSON.stringify(keyed));
  } finally {
    tmp.cleanup();
  }
});

test('a log written without the key fails verification with one, at its first line', () => {
  const tmp = tempDir();
  try {
    const path = tmp.next();
    writeAuditLog(path, session());
    const result = verifyAuditLog(path, { hmacKey: KEY });
    assert.ok(!result.ok && result.kind === 'missing_mac' && result.line === 1, JSON.stringify(result));
  } finally {
    tmp.cleanup();
  }
});

test('the HMAC key never reaches a command, and its value is masked in every event', () => {
  const env = { PATH: '/usr/bin', [AUDIT_HMAC_KEY_ENV]: KEY };
  assert.equal(buildChildEnv(env)[AUDIT_HMAC_KEY_ENV], undefined);
  assert.ok(secretValuesFrom(env).includes(KEY));
  const tmp = tempDir();
  try {
    const path = tmp.next();
    const redactor = createRedactor(secretValuesFrom(env));
    const bus = new EventBus({ redact: (text) => redactor(text).text });
    const writer = new AuditWriter({ path, policyJson: '{}', includeContent: true, hmacKey: KEY });
    bus.subscribe(writer.write);
    bus.emit({ type: 'warning', message: `the key is ${KEY}` });
    writer.close();
    assert.ok(!readFileSync(path, 'utf8').includes(KEY));
  } finally {
    tmp.cleanup();
  }
});

test('an event kind added later is recorded with its numbers and booleans, never its strings', () => {
  const tmp = tempDir();
  try {
    const path = tmp.next();
    const future = { type: 'hook_finished_someday', ts: 0, durationMs: 8.5, hook: CANARY, blocked: false } as unknown as WardEvent;
    writeAuditLog(path, [future]);
    const [line] = records(path);
    assert.equal(line?.event, 'hook_finished_someday');
    assert.equal(line?.durationMs, 8.5);
    assert.equal(line?.blocked, false);
    assert.equal(existsSync(path) && readFileSync(path, 'utf8').includes(CANARY), false);
  } finally {
    tmp.cleanup();
  }
});

test('budget warnings and stops keep the limit, the amounts, what set it and the message', () => {
  const tmp = tempDir();
  try {
    const path = tmp.next();
    const base = { limit: 'cost', scope: 'session', used: 0.8, max: 1, source: '--max-cost', message: 'the cost budget is 80% used' } as const;
    writeAuditLog(path, [{ type: 'budget_warning', ts: 0, ...base }, { type: 'budget_exceeded', ts: 1, ...base, used: 1.02 }]);
    const [warning, exceeded] = records(path);
    assert.deepEqual(warning, { ...base, event: 'budget_warning', seq: 1, ts: '1970-01-01T00:00:00.000Z', prev: GENESIS_HASH, hash: warning?.hash });
    assert.equal(exceeded?.used, 1.02);
  } finally {
    tmp.cleanup();
  }
});
