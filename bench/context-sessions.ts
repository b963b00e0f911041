/**
 * Context management measured end to end: the real `ward -p` (model claude-sonnet-4-5, a 200k
 * window) plays scripted sessions against the scripted model server on loopback, which
 * estimates every request's usage from what ward actually sends (chars/4), with Anthropic
 * prompt caching simulated from ward's cache_control breakpoints. No usage is scripted, so
 * the figures are those of ward's own requests.
 *
 *  1. A 300-turn session of large tool outputs (bash printing ~8 KB, reads of 4–8 KB files,
 *     greps): the largest context of any request, whether it stayed inside the window, the
 *     compactions, peak RSS.
 *  2. A 40-turn session (30 file reads of 4–8 KB, greps, commands printing ~6 KB, edits): the
 *     prompt tokens sent in all and the share read from the cache, as ward runs by default,
 *     without the batched trims of old outputs (context.trimBatchTokens 0), and with caching
 *     and compaction off (context.promptCache false, trimBatchTokens 0, compactThreshold 1).
 *
 * Compaction summary requests are answered by a second scripted server (support/summary-router.ts)
 * because when ward compacts depends on the estimated sizes.
 *
 * Run on its own: node bench/context-sessions.ts   (after npm run build)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace, onlyTranscript, WARD_BIN } from '../test/support/run-ward.ts';
import type { Script, ScriptedToolCall } from '../test/support/script.ts';
import type { ScriptedServer } from '../test/support/scripted-server.ts';
import { defaultRssMethod, runMeasuringPeakRss } from './support/peak-rss.ts';
import { printReport, type BenchReport } from './support/report.ts';
import { round } from './support/stats.ts';
import { startRoutedServers } from './support/summary-router.ts';

const MODEL = 'claude-sonnet-4-5';
const CONTEXT_WINDOW = 200_000;
const LONG_TOOL_TURNS = 300;
const SESSION_TIMEOUT_MS = 300_000;
const PROJECT_FILES = 30;
/** The reference: the leanest leading agent on the 40-turn session; ward aims at half. */
const LEANEST_AGENT_TOTAL = 1_300_000;
const NO_TRIMS = { context: { trimBatchTokens: 0 } };
const BARE = { context: { trimBatchTokens: 0, promptCache: false, compactThreshold: 1 } };

function fileName(index: number): string {
  return `src/module-${String(index).padStart(2, '0')}.ts`;
}

/** 30 source files of 4–8 KB, each distinct, so no two reads send the same text. */
function writeProjectFiles(project: string): void {
  mkdirSync(join(project, 'src'), { recursive: true });
  for (let file = 0; file < PROJECT_FILES; file++) {
    const size = 4_000 + ((file * 1_373) % 4_000);
    const lines: string[] = [`// module ${file}: order totals and discounts`];
    for (let i = 0; lines.join('\n').length < size; i++) {
      lines.push(`export function total${file}x${i}(items: readonly { price: number; qty: number }[]): number {`);
      lines.push(`  return items.reduce((sum, item) => sum + item.price * item.qty * ${file + 1}, ${i});`);
      lines.push('}');
    }
    writeFileSync(join(project, fileName(file)), `${lines.join('\n')}\n`);
  }
}

/** A command printing about `kb` KB, different on every call. */
function printingCommand(tag: string, kb: number): ScriptedToolCall {
  const lines = Math.round((kb * 1024) / 62);
  return { name: 'bash', input: { command: `for i in $(seq 1 ${lines}); do echo "${tag} line $i: the quick brown fox jumps over the dog"; done` } };
}

function longSessionScript(toolTurns: number): Script {
  const turns: Script['turns'] = [];
  for (let turn = 0; turn < toolTurns; turn++) {
    const call: ScriptedToolCall =
      turn % 3 === 0 ? printingCommand(`run${turn}`, 8) : turn % 3 === 1 ? { name: 'read', input: { path: fileName(turn % PROJECT_FILES) } } : { name: 'grep', input: { pattern: `total${turn % PROJECT_FILES}x1\\b`, output_mode: 'content' } };
    turns.push({ text: `Step ${turn + 1}.`, toolCalls: [call] });
  }
  turns.push({ text: `Done after ${toolTurns} tool calls.` });
  return { turns };
}

/** 40 tool turns: 28 first reads, 2 re-reads of unchanged files, 3 greps, 4 commands of ~6 KB, 3 edits. */
export function workSessionScript(): Script {
  const calls: ScriptedToolCall[] = [];
  for (let file = 0; file < 28; file++) {
    calls.push({ name: 'read', input: { path: fileName(file) } });
    if (file === 6) calls.push({ name: 'grep', input: { pattern: 'export function total3x', output_mode: 'content' } });
    if (file === 9) calls.push(printingCommand('build', 6));
    if (file === 12) calls.push({ name: 'edit', input: { path: fileName(2), old_string: '// module 2: order totals and discounts', new_string: '// module 2: order totals, discounts and rounding' } });
    if (file === 15) calls.push(printingCommand('test', 6), { name: 'read', input: { path: fileName(4) } });
    if (file === 18) calls.push({ name: 'grep', input: { pattern: 'qty \\* 1[0-9],', output_mode: 'files_with_matches' } });
    if (file === 21) calls.push({ name: 'edit', input: { path: fileName(20), old_string: '// module 20: order totals and discounts', new_string: '// module 20: order totals (checked)' } });
    if (file === 24) calls.push(printingCommand('lint', 6), { name: 'read', input: { path: fileName(7) } });
  }
  calls.push({ name: 'grep', input: { pattern: 'rounding|checked', output_mode: 'content' } });
  calls.push({ name: 'edit', input: { path: fileName(27), old_string: '// module 27: order totals and discounts', new_string: '// module 27: totals' } });
  calls.push(printingCommand('final-test', 6));
  if (calls.length !== 40) throw new Error(`the work session has ${calls.length} tool turns, not 40`);
  return { turns: [...calls.map((call, i) => ({ text: `Step ${i + 1}.`, toolCalls: [call] })), { text: 'All done.' }] };
}

function summaryScript(count: number): Script {
  const summary = ['Task: survey the project and report.', 'Decisions: none beyond reading.', 'Files touched: none.', 'Open todos: keep going through the steps.', 'Latest instructions: survey this project.'].join('\n');
  return { turns: Array.from({ length: count }, () => ({ text: summary })) };
}

interface UsageEvent {
  readonly type: 'usage';
  readonly usage: { readonly inputTokens: number; readonly cacheReadTokens: number; readonly cacheWriteTokens: number };
}

interface SessionFigures {
  readonly requests: number;
  readonly largestContext: number;
  readonly promptTotal: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
  readonly input: number;
  readonly compactions: number;
  readonly trimOnlyCompactions: number;
  readonly summaryRequests: number;
  readonly peakRssKb: number;
  readonly wallMs: number;
}

/** Tool results that came back as errors, over every request's newest message. */
function erroredResults(server: ScriptedServer): number {
  let errors = 0;
  for (const request of server.requests) {
    const last = (request.body as { messages?: { content?: unknown }[] } | null)?.messages?.at(-1);
    if (!Array.isArray(last?.content)) continue;
    for (const block of last.content as { type?: string; is_error?: boolean }[]) if (block.type === 'tool_result' && block.is_error === true) errors++;
  }
  return errors;
}

/** `settings` goes to the user settings file (ward's home), e.g. `{ context: { trimBatchTokens: 0 } }`. */
export async function runSession(script: Script, extraFlags: readonly string[], settings?: Record<string, unknown>): Promise<SessionFigures> {
  const ws = makeWorkspace();
  const servers = await startRoutedServers(script, summaryScript(100));
  try {
    writeProjectFiles(ws.project);
    if (settings !== undefined) {
      mkdirSync(ws.home, { recursive: true });
      writeFileSync(join(ws.home, 'settings.json'), JSON.stringify(settings));
    }
    const run = await runMeasuringPeakRss(
      process.execPath,
      [WARD_BIN, '-p', 'Survey this project.', '--permission-mode', 'bypass', '--model', MODEL, '--max-turns', '400', ...extraFlags],
      defaultRssMethod(),
      {
        cwd: ws.project,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NO_COLOR: '1', ANTHROPIC_BASE_URL: servers.url, ANTHROPIC_API_KEY: 'fake-bench-key', WARD_HOME: ws.home },
        timeoutMs: SESSION_TIMEOUT_MS,
      },
    );
    if (run.code !== 0) throw new Error(`ward exited ${run.code ?? run.signal ?? '?'}: ${run.stderr.slice(-2_000)}`);
    if (servers.session.remainingTurns() !== 0) throw new Error(`the session stopped with ${servers.session.remainingTurns()} scripted turns left`);
    const violations = [...servers.session.violations, ...servers.summaries.violations];
    if (violations.length > 0) throw new Error(`scripted server violations: ${violations.slice(0, 3).join('; ')}`);
    const errors = erroredResults(servers.session);
    if (errors > 0) throw new Error(`${errors} tool calls failed; every call must run for the figures to mean anything`);

    const events = readFileSync(onlyTranscript(ws.home), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { type?: string; summary?: string });
    const usages = events.filter((event): event is UsageEvent => event.type === 'usage').map((event) => event.usage);
    const compactions = events.filter((event) => event.type === 'compaction');
    const contexts = usages.map((u) => u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens);
    const sum = (pick: (u: UsageEvent['usage']) => number): number => usages.reduce((total, u) => total + pick(u), 0);
    const summaryRequests = servers.summaries.requests.filter((r) => r.outcome === 'turn').length;
    const served = servers.session.requests.filter((r) => r.outcome === 'turn').length + summaryRequests;
    if (usages.length !== served) throw new Error(`the transcript holds ${usages.length} usage events for ${served} served requests`);
    return {
      requests: usages.length,
      largestContext: Math.max(...contexts),
      promptTotal: contexts.reduce((a, b) => a + b, 0),
      cacheRead: sum((u) => u.cacheReadTokens),
      cacheWrite: sum((u) => u.cacheWriteTokens),
      input: sum((u) => u.inputTokens),
      compactions: compactions.length,
      trimOnlyCompactions: compactions.filter((event) => event.summary === '').length,
      summaryRequests,
      peakRssKb: run.peakRssKb,
      wallMs: run.wallMs,
    };
  } finally {
    await servers.close();
    ws.cleanup();
  }
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : round((100 * part) / whole, 1);
}

/** Prompt cost in units of one uncached input token (Anthropic: cache writes 1.25x, reads 0.1x). */
function promptCost(f: SessionFigures): number {
  return f.input + 1.25 * f.cacheWrite + 0.1 * f.cacheRead;
}

export async function measureContextSessions(): Promise<BenchReport> {
  const long = await runSession(longSessionScript(LONG_TOOL_TURNS), []);
  const work = await runSession(workSessionScript(), []);
  const workNoTrims = await runSession(workSessionScript(), [], NO_TRIMS);
  const workBare = await runSession(workSessionScript(), [], BARE);
  return {
    benchmark: 'context: scripted sessions, usage estimated from what ward sends',
    measurements: [
      { metric: `${LONG_TOOL_TURNS}-turn session: largest context of any request (input + cache read + cache write)`, value: long.largestContext, unit: 'tokens', targetBelow: CONTEXT_WINDOW },
      { metric: `${LONG_TOOL_TURNS}-turn session: compactions`, value: long.compactions, unit: 'count' },
      { metric: `${LONG_TOOL_TURNS}-turn session: trim-only compactions`, value: long.trimOnlyCompactions, unit: 'count' },
      { metric: `${LONG_TOOL_TURNS}-turn session: prompt tokens sent in all`, value: long.promptTotal, unit: 'tokens' },
      { metric: `${LONG_TOOL_TURNS}-turn session: cache-read share of prompt tokens`, value: share(long.cacheRead, long.promptTotal), unit: '%' },
      { metric: `${LONG_TOOL_TURNS}-turn session: peak RSS`, value: round(long.peakRssKb / 1024, 1), unit: 'MB' },
      { metric: '40-turn session: cache-read share of prompt tokens', value: share(work.cacheRead, work.promptTotal), unit: '%', targetAtLeast: 95 },
      { metric: '40-turn session: prompt tokens sent in all (input + cache read + cache write, every request)', value: work.promptTotal, unit: 'tokens', targetBelow: LEANEST_AGENT_TOTAL / 2 + 1 },
      { metric: '40-turn session: largest context', value: work.largestContext, unit: 'tokens' },
      { metric: '40-turn session: prompt cost, as a share of the same session with caching and compaction off', value: share(promptCost(work), promptCost(workBare)), unit: '%' },
      { metric: '40-turn session, batched trims off (context.trimBatchTokens 0): prompt tokens sent in all', value: workNoTrims.promptTotal, unit: 'tokens' },
      { metric: '40-turn session, batched trims off: cache-read share', value: share(workNoTrims.cacheRead, workNoTrims.promptTotal), unit: '%' },
      { metric: '40-turn session, batched trims off: prompt cost, as a share of caching and compaction off', value: share(promptCost(workNoTrims), promptCost(workBare)), unit: '%' },
      { metric: '40-turn session, caching and compaction off: prompt tokens sent in all', value: workBare.promptTotal, unit: 'tokens' },
      { metric: '40-turn session, caching and compaction off: cache-read share', value: share(workBare.cacheRead, workBare.promptTotal), unit: '%' },
    ],
    notes: [
      `model ${MODEL} (window ${CONTEXT_WINDOW} tokens), default --compact-threshold 0.8 unless stated; tokens as the scripted server estimates them (chars/4 of each request's tools, system and messages), cache reads and writes simulated from ward's cache_control breakpoints (support: test/support/scripted/prompt-cache.ts: a prefix is read only at a breakpoint or at most 20 blocks before one, as the API does; the 5-minute expiry is not modelled).`,
      `${LONG_TOOL_TURNS}-turn session: tool calls in rotation: bash printing ~8 KB (different each time), a read of one of ${PROJECT_FILES} files of 4–8 KB, a grep with content; ${long.requests} requests (${long.summaryRequests} summary requests), ${round(long.wallMs / 1000, 1)} s; cache reads ${long.cacheRead}, cache writes ${long.cacheWrite}, uncached input ${long.input}.`,
      `40-turn session: 28 first reads of 4–8 KB files, 2 re-reads of unchanged files, 3 greps, 4 commands printing ~6 KB, 3 edits, then the answer; ${work.requests} requests, ${work.compactions} compactions; cache reads ${work.cacheRead}, writes ${work.cacheWrite}, uncached input ${work.input}; reference: the leanest leading agent sends ~${LEANEST_AGENT_TOTAL} prompt tokens on such a session, ward's target is at most half.`,
      `40-turn session by default: ${work.compactions} batched trims (${work.trimOnlyCompactions} trim-only, ${work.summaryRequests} summary requests), largest context ${work.largestContext} tokens; batched trims off: ${workNoTrims.compactions} compactions, largest context ${workNoTrims.largestContext}; caching and compaction off: largest context ${workBare.largestContext}.`,
      `prompt cost counts an uncached input token as 1, a cache write as 1.25 and a cache read as 0.1 (Anthropic's multipliers): default ${Math.round(promptCost(work))}, batched trims off ${Math.round(promptCost(workNoTrims))}, caching and compaction off ${Math.round(promptCost(workBare))}.`,
    ],
  };
}

if (import.meta.main) printReport(await measureContextSessions());
