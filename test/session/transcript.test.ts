import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '../../src/events/bus.ts';
import { rebuildConversation } from '../../src/session/conversation.ts';
import { SessionStore } from '../../src/session/store.ts';
import { loadTranscript } from '../../src/session/transcript-reader.ts';
import { TranscriptWriter } from '../../src/session/transcript-writer.ts';

function withHome(run: (home: string) => void): void {
  const home = mkdtempSync(join(tmpdir(), 'ward-home-'));
  try {
    run(home);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function recordSession(path: string): void {
  const bus = new EventBus();
  const writer = new TranscriptWriter(path);
  bus.subscribe(writer.write);
  bus.emit({ type: 'user_message', text: 'fix it' });
  bus.emit({
    type: 'assistant_message',
    turn: 1,
    stopReason: 'tool_use',
    content: [
      { type: 'text', text: 'Looking.' },
      { type: 'tool_use', id: 'call_a', name: 'read', input: { path: 'a.txt' } },
      { type: 'tool_use', id: 'call_b', name: 'bash', input: { command: 'make' } },
      { type: 'tool_use', id: 'call_c', name: 'bash', input: { command: 'make install' } },
    ],
  });
  bus.emit({ type: 'text_delta', turn: 1, text: 'not persisted' });
  bus.emit({ type: 'tool_started', callId: 'call_a', tool: 'read' });
  bus.emit({ type: 'tool_finished', callId: 'call_a', tool: 'read', status: 'ok', output: 'contents of a', durationMs: 1, truncated: false });
  bus.emit({ type: 'tool_started', callId: 'call_b', tool: 'bash' });
  // ward is killed here: call_b started but never finished, call_c never started.
  writer.close();
}

test('transcripts are private, append-only JSONL without display-only deltas', () => {
  withHome((home) => {
    const store = new SessionStore(home, '/some/project');
    const location = store.create();
    recordSession(location.path);
    assert.equal(statSync(location.path).mode & 0o777, 0o600);
    assert.equal(statSync(store.dir).mode & 0o777, 0o700);
    const lines = readFileSync(location.path, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 5);
    assert.ok(!lines.some((line) => line.includes('not persisted')));
    assert.deepEqual(store.latest(), location);
  });
});

test('resume keeps completed results and never re-runs a call; unfinished calls are reported as such', () => {
  withHome((home) => {
    const location = new SessionStore(home, '/p').create();
    recordSession(location.path);
    const rebuilt = rebuildConversation(loadTranscript(location.path).events);
    assert.equal(rebuilt.turns, 1);
    assert.equal(rebuilt.messages.length, 2);
    const [a, b, c] = rebuilt.pendingUser;
    assert.deepEqual(a, { type: 'tool_result', toolUseId: 'call_a', content: 'contents of a', isError: false });
    assert.ok(b?.type === 'tool_result' && b.isError && /Interrupted.*effects are unknown/.test(b.content));
    assert.ok(c?.type === 'tool_result' && c.isError && /Not run/.test(c.content));
  });
});

test('a torn last line is moved aside and reported, and new events start on a clean line', () => {
  withHome((home) => {
    const location = new SessionStore(home, '/p').create();
    recordSession(location.path);
    appendFileSync(location.path, '{"type":"tool_finished","callId":"call_b","to');
    const loaded = loadTranscript(location.path);
    assert.equal(loaded.events.length, 5);
    assert.match(loaded.warnings[0] ?? '', /last line was incomplete/);
    const torn = readdirSync(join(location.path, '..')).filter((name) => name.includes('.torn-'));
    assert.equal(torn.length, 1);
    assert.ok(readFileSync(location.path, 'utf8').endsWith('\n'));
    // Appending after the repair yields a transcript that loads cleanly.
    const writer = new TranscriptWriter(location.path);
    writer.write({ type: 'user_message', text: 'again', ts: 1 });
    writer.close();
    assert.equal(loadTranscript(location.path).events.length, 6);
  });
});

test('a damaged line in the middle stops the resume with the file and line named', () => {
  withHome((home) => {
    const location = new SessionStore(home, '/p').create();
    recordSession(location.path);
    const lines = readFileSync(location.path, 'utf8').split('\n');
    lines[2] = '{"type":"no_such_event","ts":1}';
    rmSync(location.path);
    appendFileSync(location.path, lines.join('\n'));
    assert.throws(() => loadTranscript(location.path), /damaged at line 3: not a ward event/);
    assert.ok(existsSync(location.path));
  });
});

test('session ids cannot walk out of the sessions folder, and a session of another project is named', () => {
  withHome((home) => {
    const store = new SessionStore(home, '/p');
    assert.throws(() => store.byId('../../etc/passwd'), /not a session id/);
    const other = new SessionStore(home, '/other');
    const location = other.create();
    recordSession(location.path);
    assert.throws(() => store.byId(location.id), /belongs to another project/);
    assert.throws(() => store.byId('20200101-000000-abcdef'), /no session/);
  });
});

test('regression: a line torn inside a multi-byte character is cut at the exact byte, and resumes stay loadable', () => {
  withHome((home) => {
    const location = new SessionStore(home, '/p').create();
    recordSession(location.path);
    const before = readFileSync(location.path);
    const torn = Buffer.concat([Buffer.from('{"type":"user_message","text":"caf'), Buffer.from([0xc3])]);
    appendFileSync(location.path, torn);
    const loaded = loadTranscript(location.path);
    assert.equal(loaded.events.length, 5);
    assert.deepEqual(readFileSync(location.path), before, 'exactly the torn bytes were cut');
    const keptName = readdirSync(join(location.path, '..')).find((name) => name.includes('.torn-')) ?? '';
    assert.deepEqual(readFileSync(join(location.path, '..', keptName)), torn, 'the torn bytes are kept as they were');
    for (let run = 0; run < 2; run++) {
      const writer = new TranscriptWriter(location.path);
      writer.write({ type: 'user_message', text: `run ${run} ✓`, ts: 1 });
      writer.close();
      assert.equal(loadTranscript(location.path).events.length, 6 + run);
    }
  });
});

test('regression: a complete last event without its newline is kept, and the next event starts on a new line', () => {
  withHome((home) => {
    const location = new SessionStore(home, '/p').create();
    recordSession(location.path);
    appendFileSync(location.path, JSON.stringify({ type: 'user_message', text: 'no newline', ts: 2 }));
    assert.equal(loadTranscript(location.path).events.length, 6);
    const writer = new TranscriptWriter(location.path);
    writer.write({ type: 'user_message', text: 'next', ts: 3 });
    writer.close();
    const events = loadTranscript(location.path).events;
    assert.equal(events.length, 7);
    const last = events.at(-1);
    assert.equal(last?.type === 'user_message' ? last.text : '', 'next');
  });
});

test('regression: a reused tool-call id never takes an earlier call\'s result on resume', () => {
  withHome((home) => {
    const location = new SessionStore(home, '/p').create();
    const bus = new EventBus();
    const writer = new TranscriptWriter(location.path);
    bus.subscribe(writer.write);
    bus.emit({ type: 'user_message', text: 'go' });
    bus.emit({ type: 'assistant_message', turn: 1, stopReason: 'tool_use', content: [{ type: 'tool_use', id: 'call_0', name: 'bash', input: { command: 'first' } }] });
    bus.emit({ type: 'tool_started', callId: 'call_0', tool: 'bash' });
    bus.emit({ type: 'tool_finished', callId: 'call_0', tool: 'bash', status: 'ok', output: 'first-ok', durationMs: 1, truncated: false });
    bus.emit({ type: 'assistant_message', turn: 2, stopReason: 'tool_use', content: [{ type: 'tool_use', id: 'call_0', name: 'bash', input: { command: 'second' } }] });
    bus.emit({ type: 'tool_started', callId: 'call_0', tool: 'bash' });
    writer.close();
    const rebuilt = rebuildConversation(loadTranscript(location.path).events);
    assert.equal(rebuilt.messages.length, 4);
    const second = rebuilt.pendingUser[0];
    assert.ok(second?.type === 'tool_result' && /Interrupted/.test(second.content), JSON.stringify(second));
  });
});
