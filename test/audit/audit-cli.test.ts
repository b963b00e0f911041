/**
 * The audit log end to end: the real `ward -p` against the scripted model server writes it,
 * `ward audit verify | show | export` read it, and a changed byte or a forged line is caught.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../../src/audit/canonical.ts';
import { AUDIT_HMAC_KEY_ENV, sealRecord } from '../../src/audit/record.ts';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.ts';
import type { Script } from '../support/script.ts';
import { makeWorkspace, onlyTranscript, parseJsonLines, runWard, type Workspace } from '../support/run-ward.ts';

const FILE_CANARY = 'FILE-CANARY-91c4e2';
const PROMPT_CANARY = 'PROMPT-CANARY-5d0b77';
const KEY = 'e2e-audit-hmac-key-3a7c9f0e1d2b';

const script: Script = {
  turns: [
    {
      text: 'Reading the notes, then making a file.',
      toolCalls: [
        { name: 'read', input: { path: 'notes.txt' } },
        { name: 'bash', input: { command: 'touch created-by-bash' } },
      ],
    },
    { text: 'Done: the notes are read; the file could not be made.' },
    { text: 'Nothing more to do.' },
  ],
};

async function withSession(extraEnv: Record<string, string>, run: (ws: Workspace, env: Record<string, string>, server: ScriptedServer) => Promise<void>): Promise<void> {
  const ws = makeWorkspace();
  const server = await startScriptedServer(script);
  try {
    writeFileSync(join(ws.project, 'notes.txt'), `secret plans: ${FILE_CANARY}\n`);
    const env = { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home, ...extraEnv };
    const first = await runWard(['-p', `read notes.txt and make a file (${PROMPT_CANARY})`], { cwd: ws.project, env });
    assert.equal(first.code, 0, first.stderr);
    await run(ws, env, server);
  } finally {
    await server.close();
    ws.cleanup();
  }
}

function auditPath(ws: Workspace): string {
  return onlyTranscript(ws.home).replace(/\.jsonl$/, '.audit.jsonl');
}

function auditLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('ward -p writes a private audit log with every decision and its reason, and no content', async () => {
  await withSession({}, async (ws, env) => {
    const path = auditPath(ws);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const text = readFileSync(path, 'utf8');
    assert.ok(!text.includes(FILE_CANARY), 'file content reached the audit log');
    assert.ok(!text.includes(PROMPT_CANARY), 'the prompt reached the audit log');
    assert.ok(readFileSync(onlyTranscript(ws.home), 'utf8').includes(FILE_CANARY), 'the transcript does keep it (the canary is real)');
    const lines = auditLines(path);
    const events = lines.map((line) => line.event);
    assert.equal(events[0], 'session_started');
    assert.equal(events.at(-1), 'session_ended');
    for (const event of ['model_request', 'usage', 'tool_proposed', 'tool_decision', 'tool_approval', 'tool_started', 'tool_finished']) assert.ok(events.includes(event), event);
    const decisions = lines.filter((line) => line.event === 'tool_decision');
    assert.deepEqual(decisions.map((line) => [line.tool, line.decision]), [['read', 'allow'], ['bash', 'ask']]);
    assert.match(String(decisions[0]?.reason), /reads inside the project are allowed/);
    assert.match(String(decisions[1]?.reason), /touch created-by-bash.*needs approval/);
    const approval = lines.find((line) => line.event === 'tool_approval');
    assert.deepEqual([approval?.approved, approval?.by], [false, 'headless']);
    assert.match(String(lines[0]?.policyDigest), /^[0-9a-f]{64}$/);

    const verify = await runWard(['audit', 'verify'], { cwd: ws.project, env });
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, new RegExp(`intact \\(${lines.length} lines; 1 run\\)`));

    const show = await runWard(['audit', 'show'], { cwd: ws.project, env });
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /tool_decision +read +allow +reads inside the project are allowed/);
    assert.match(show.stdout, /tool_approval +refused +by headless/);
    assert.match(show.stdout, /tool_finished +read +ok · \d+(\.\d+)? ms/);
    assert.match(show.stdout, /session_ended +completed, exit 0/);
    assert.match(show.stdout, /: intact/);

    // One changed byte: the verifier fails and names the line.
    const index = lines.findIndex((line) => line.event === 'tool_decision');
    const raw = readFileSync(path, 'utf8').split('\n');
    raw[index] = (raw[index] ?? '').replace('"decision":"allow"', '"decision":"alloW"');
    writeFileSync(path, raw.join('\n'));
    const broken = await runWard(['audit', 'verify'], { cwd: ws.project, env });
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, new RegExp(`BROKEN at line ${index + 1} \\(edited\\)`));
  });
});

test('a resumed session continues its audit log; verify --all and export --all cover every session', async () => {
  await withSession({}, async (ws, env) => {
    const resumed = await runWard(['-p', '--continue', 'anything else?'], { cwd: ws.project, env });
    assert.equal(resumed.code, 0, resumed.stderr);
    const path = auditPath(ws);
    const verify = await runWard(['audit', 'verify', '--all'], { cwd: ws.project, env });
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, /intact \(\d+ lines; 2 runs\)/);

    const exported = await runWard(['audit', 'export', '--all'], { cwd: ws.project, env });
    assert.equal(exported.code, 0, exported.stderr);
    const records = parseJsonLines(exported.stdout);
    assert.equal(records.length, auditLines(path).length);
    const session = onlyTranscript(ws.home).split('/').at(-1)?.replace(/\.jsonl$/, '');
    assert.ok(records.every((record) => record.session === session && typeof record.project === 'string' && typeof record.hash === 'string'));
    assert.equal(records.filter((record) => record.event === 'session_started').length, 2);
  });
});

test('with WARD_AUDIT_HMAC_KEY set, a forged line with recomputed hashes fails verification at that line', async () => {
  await withSession({ [AUDIT_HMAC_KEY_ENV]: KEY }, async (ws, env) => {
    const path = auditPath(ws);
    assert.ok(!readFileSync(path, 'utf8').includes(KEY) && !readFileSync(onlyTranscript(ws.home), 'utf8').includes(KEY));
    const ok = await runWard(['audit', 'verify'], { cwd: ws.project, env });
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /every MAC verified/);

    // Rewrite the denial as an allow and recompute every hash after it; without the key the MACs stay old.
    const lines = auditLines(path);
    const target = lines.findIndex((line) => line.event === 'tool_decision' && line.tool === 'bash');
    let prev = String(lines[target - 1]?.hash);
    const rewritten = lines.map((line, index) => {
      if (index < target) return canonicalJson(line);
      const fields = { ...line, ...(index === target ? { decision: 'allow', reason: 'allowed by rule bash' } : {}) } as Record<string, unknown> & { event: string };
      const sealed = sealRecord({ seq: Number(line.seq), ts: String(line.ts), prev, fields });
      prev = sealed.hash;
      return canonicalJson({ ...sealed.record, mac: line.mac });
    });
    writeFileSync(path, `${rewritten.join('\n')}\n`);
    const forged = await runWard(['audit', 'verify'], { cwd: ws.project, env });
    assert.equal(forged.code, 1, forged.stdout);
    assert.match(forged.stdout, new RegExp(`BROKEN at line ${target + 1} \\(bad_mac\\)`));
    const withoutKey = { ...env, [AUDIT_HMAC_KEY_ENV]: '' };
    const unchecked = await runWard(['audit', 'verify'], { cwd: ws.project, env: withoutKey });
    assert.equal(unchecked.code, 0, 'plain hashes can be recomputed: the key is what catches this');
    assert.match(unchecked.stdout, /MACs, not checked/);
  });
});

test('ward audit usage errors exit 2 and say what is expected', async () => {
  const ws = makeWorkspace();
  try {
    const env = { WARD_HOME: ws.home };
    for (const args of [['audit'], ['audit', 'frob'], ['audit', 'show', '--all'], ['audit', 'verify', 'a', 'b'], ['audit', 'verify', 'no-such-session'], ['-p', 'x', '--all']]) {
      const run = await runWard(args, { cwd: ws.project, env });
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, /^ward: /);
    }
    const none = await runWard(['audit', 'verify', '--all'], { cwd: ws.project, env });
    assert.equal(none.code, 0);
    assert.match(none.stdout, /no sessions yet/);
  } finally {
    ws.cleanup();
  }
});
