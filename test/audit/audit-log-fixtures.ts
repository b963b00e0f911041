/**
 * Random sessions for the audit tests: event streams that start with a session start and end
 * with a session end, with strings from all of Unicode (escapes, multi-byte characters, lone
 * surrogates) and numbers of every kind, written through the real AuditWriter.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { WardEvent } from '../../src/events/schema.ts';
import { AuditWriter } from '../../src/audit/writer.ts';

const text = fc.string({ unit: 'binary', maxLength: 40 });
const ts = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) });
const anyNumber = fc.double({ noNaN: true, noDefaultInfinity: true });
const usage = fc.record({
  inputTokens: fc.nat(),
  outputTokens: fc.nat(),
  cacheWriteTokens: fc.nat(),
  cacheReadTokens: fc.nat(),
});
const callId = fc.stringMatching(/^toolu_[a-z0-9]{4}$/);
const tool = fc.constantFrom('bash', 'read', 'edit', 'web_fetch');

const middleEvent: fc.Arbitrary<WardEvent> = fc.oneof(
  fc.record({ type: fc.constant('user_message' as const), ts, text }),
  fc.record({ type: fc.constant('model_request' as const), ts, turn: fc.nat(), attempt: fc.nat(), messageCount: fc.nat() }),
  fc.record({ type: fc.constant('usage' as const), ts, turn: fc.nat(), usage, costUsd: fc.option(anyNumber), totalUsage: usage, totalCostUsd: fc.option(anyNumber) }),
  fc.record({ type: fc.constant('tool_proposed' as const), ts, callId, tool, input: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ type: fc.constant('tool_decision' as const), ts, callId, tool, decision: fc.constantFrom('allow' as const, 'ask' as const, 'deny' as const), reason: text, source: text }),
  fc.record({ type: fc.constant('tool_approval' as const), ts, callId, approved: fc.boolean(), by: fc.constantFrom('user' as const, 'headless' as const), reason: text }),
  fc.record({ type: fc.constant('tool_started' as const), ts, callId, tool, sandbox: fc.constantFrom('bubblewrap', 'none') }),
  fc.record({
    type: fc.constant('tool_finished' as const),
    ts,
    callId,
    tool,
    status: fc.constantFrom('ok' as const, 'error' as const, 'denied' as const),
    output: text,
    durationMs: anyNumber,
    truncated: fc.boolean(),
    exitCode: fc.option(fc.integer({ min: -1, max: 255 })),
  }),
  fc.record({ type: fc.constant('network_decision' as const), ts, method: fc.constantFrom('CONNECT', 'GET'), host: fc.option(text), port: fc.option(fc.nat({ max: 65535 })), allowed: fc.boolean(), reason: text }),
  fc.record({ type: fc.constant('warning' as const), ts, message: text }),
  fc.record({ type: fc.constant('retry' as const), ts, attempt: fc.nat(), maxAttempts: fc.nat(), delayMs: anyNumber, reason: text }),
);

const sessionStarted = fc.record({
  type: fc.constant('session_started' as const),
  ts,
  sessionId: fc.constant('20260101-000000-abcdef'),
  cwd: text,
  provider: fc.constantFrom('anthropic', 'openai'),
  model: text,
  baseUrl: text,
  permissionMode: fc.constantFrom('default' as const, 'auto' as const),
  wardVersion: fc.constant('0.1.0'),
  resumed: fc.boolean(),
});

const sessionEnded = fc.record({
  type: fc.constant('session_ended' as const),
  ts,
  reason: fc.constantFrom('completed' as const, 'error' as const),
  result: text,
  turns: fc.nat(),
  totalUsage: usage,
  totalCostUsd: fc.option(anyNumber),
  durationMs: fc.nat(),
  exitCode: fc.constantFrom(0, 1),
});

/** A whole run: a start, 1 to 20 accountable events, an end. Every event makes one line. */
export const sessionEvents: fc.Arbitrary<WardEvent[]> = fc
  .tuple(sessionStarted, fc.array(middleEvent, { minLength: 1, maxLength: 20 }), sessionEnded)
  .map(([start, middle, end]) => [start, ...middle, end]);

export interface TempDir {
  readonly dir: string;
  /** A fresh file path in the folder. */
  next(name?: string): string;
  cleanup(): void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'ward-audit-'));
  let count = 0;
  return {
    dir,
    next: (name = 'log') => join(dir, `${name}-${++count}.audit.jsonl`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface WriteOptions {
  readonly hmacKey?: string;
  readonly includeContent?: boolean;
  readonly policyJson?: string;
}

/** Writes the events through a real AuditWriter and returns the file's bytes. */
export function writeAuditLog(path: string, events: readonly WardEvent[], options: WriteOptions = {}): Buffer {
  const writer = new AuditWriter({ path, policyJson: options.policyJson ?? '{"mode":"default"}', includeContent: options.includeContent ?? false, hmacKey: options.hmacKey });
  try {
    for (const event of events) writer.write(event);
  } finally {
    writer.close();
  }
  return readFileSync(path);
}

/** The whole lines of a log (each with its newline). */
export function linesOf(raw: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let index = raw.indexOf(0x0a); index !== -1; index = raw.indexOf(0x0a, start)) {
    lines.push(raw.subarray(start, index + 1));
    start = index + 1;
  }
  return lines;
}
