/**
 * Peak memory of a long headless session: the real `ward -p` plays a scripted 200-turn session
 * (one tool call per turn: a read of a ~6 KB file, a grep, a bash `echo` loop printing ~2 KB,
 * a glob, in rotation; then a final answer) against the scripted model server on loopback, in
 * bypass mode so every call runs. Reports the child's peak RSS, the wall time and turns/s.
 * The conversation ward holds, and re-sends each turn, grows to several hundred KB by the end.
 *
 * Run on its own: node bench/session-memory.ts [--proc]   (--proc: poll /proc instead of GNU time)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace, onlyTranscript, WARD_BIN } from '../test/support/run-ward.ts';
import type { Script, ScriptedToolCall } from '../test/support/script.ts';
import { startScriptedServer, type ScriptedServer } from '../test/support/scripted-server.ts';
import { defaultRssMethod, runMeasuringPeakRss, type RssMethod } from './support/peak-rss.ts';
import { printReport, type BenchReport } from './support/report.ts';
import { round } from './support/stats.ts';

const TOOL_TURNS = 200;
const SESSION_TIMEOUT_MS = 180_000;

/** ~6 KB of plausible source for the read calls, and a few small modules for grep and glob. */
function writeProjectFiles(project: string): void {
  const lines: string[] = [];
  for (let i = 0; lines.join('\n').length < 6_000; i++) {
    lines.push(`export function computeTotal${i}(items: readonly { price: number; qty: number }[]): number {`);
    lines.push(`  return items.reduce((sum, item) => sum + item.price * item.qty, ${i});`);
    lines.push('}');
  }
  mkdirSync(join(project, 'src', 'lib'), { recursive: true });
  writeFileSync(join(project, 'src', 'totals.ts'), `${lines.join('\n')}\n`);
  for (let i = 0; i < 12; i++) {
    writeFileSync(join(project, 'src', 'lib', `util-${i}.ts`), `// helper ${i}\nexport function helper${i}(value: number): number {\n  return value * ${i};\n}\n`);
  }
}

const ECHO_LOOP = 'for i in $(seq 1 40); do echo "line $i: the quick brown fox jumps over the lazy dog"; done';

function toolCallFor(turn: number): ScriptedToolCall {
  switch (turn % 4) {
    case 0:
      return { name: 'read', input: { path: 'src/totals.ts' } };
    case 1:
      return { name: 'grep', input: { pattern: 'export function helper', output_mode: 'content' } };
    case 2:
      return { name: 'bash', input: { command: ECHO_LOOP } };
    default:
      return { name: 'glob', input: { pattern: '**/*.ts' } };
  }
}

export function sessionScript(toolTurns: number): Script {
  const turns: Script['turns'] = [];
  for (let turn = 0; turn < toolTurns; turn++) turns.push({ text: `Step ${turn + 1}: checking.`, toolCalls: [toolCallFor(turn)] });
  turns.push({ text: `Done after ${toolTurns} tool calls.` });
  return { turns };
}

/** Tool results the model was sent in the session's last request that came back as errors. */
function erroredResults(server: ScriptedServer): number {
  const body = server.requests.at(-1)?.body as { messages?: { content?: unknown }[] } | undefined;
  let errors = 0;
  for (const message of body?.messages ?? []) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content as { type?: string; is_error?: boolean }[]) if (block.type === 'tool_result' && block.is_error === true) errors++;
  }
  return errors;
}

interface SessionRun {
  readonly peakRssKb: number;
  readonly wallMs: number;
  readonly lastRequestKb: number;
  readonly transcriptKb: number;
  readonly readFileKb: number;
}

/** One whole session in a fresh workspace; fails unless every scripted turn and call ran. */
async function runSession(toolTurns: number, method: RssMethod): Promise<SessionRun> {
  const ws = makeWorkspace();
  const server = await startScriptedServer(sessionScript(toolTurns));
  try {
    writeProjectFiles(ws.project);
    const run = await runMeasuringPeakRss(
      process.execPath,
      [WARD_BIN, '-p', 'Survey this project.', '--permission-mode', 'bypass', '--max-turns', '250'],
      method,
      {
        cwd: ws.project,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NO_COLOR: '1', ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-bench-key', WARD_HOME: ws.home },
        timeoutMs: SESSION_TIMEOUT_MS,
      },
    );
    if (run.code !== 0) throw new Error(`ward exited ${run.code ?? run.signal ?? '?'}: ${run.stderr.slice(-2_000)}`);
    if (server.remainingTurns() !== 0) throw new Error(`the session stopped with ${server.remainingTurns()} scripted turns left`);
    if (server.violations.length > 0) throw new Error(`scripted server violations: ${server.violations.slice(0, 3).join('; ')}`);
    const errors = erroredResults(server);
    if (errors > 0) throw new Error(`${errors} tool calls failed; the session must run every call for the figure to mean anything`);
    return {
      peakRssKb: run.peakRssKb,
      wallMs: run.wallMs,
      lastRequestKb: Buffer.byteLength(JSON.stringify(server.requests.at(-1)?.body ?? null)) / 1024,
      transcriptKb: Buffer.byteLength(readFileSync(onlyTranscript(ws.home))) / 1024,
      readFileKb: Buffer.byteLength(readFileSync(join(ws.project, 'src', 'totals.ts'))) / 1024,
    };
  } finally {
    await server.close();
    ws.cleanup();
  }
}

export async function measureSessionMemory(method: RssMethod = defaultRssMethod()): Promise<BenchReport> {
  const oneTurn = await runSession(0, method);
  const long = await runSession(TOOL_TURNS, method);
  const turns = TOOL_TURNS + 1;
  const methodText = method === 'gnu-time' ? '`/usr/bin/time -f %M` (the kernel maxrss of the ward process, from wait4)' : 'polling VmHWM in /proc/<pid>/status every 20 ms';
  return {
    benchmark: `${TOOL_TURNS}-turn headless session`,
    measurements: [
      { metric: 'peak RSS', value: round(long.peakRssKb / 1024, 1), unit: 'MB', targetBelow: 150 },
      { metric: 'baseline: peak RSS of a one-turn session (answer only, no tools)', value: round(oneTurn.peakRssKb / 1024, 1), unit: 'MB' },
      { metric: 'wall time, spawn to exit', value: round(long.wallMs, 0), unit: 'ms' },
      { metric: 'throughput', value: round(turns / (long.wallMs / 1000), 1), unit: 'turns/s' },
      { metric: 'last request body (the whole conversation)', value: round(long.lastRequestKb, 0), unit: 'KB' },
    ],
    notes: [
      `peak RSS measured with ${methodText}; MB = 2^20 bytes.`,
      `${turns} model turns, ${TOOL_TURNS} tool calls (read of a ${round(long.readFileKb, 1)} KB file, grep, bash echo loop of ~2 KB, glob, in rotation), all succeeded; transcript ${round(long.transcriptKb, 0)} KB.`,
      'the wall time includes the scripted server (in the benchmark process) parsing and checking every request; it is not ward alone.',
    ],
  };
}

if (import.meta.main) printReport(await measureSessionMemory(process.argv.includes('--proc') ? 'proc-poll' : defaultRssMethod()));
