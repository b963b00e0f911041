/**
 * Time to the first model request, headless: from just before spawning `ward -p hi` to the
 * moment the scripted model server on loopback has received the whole request. Nothing is
 * subtracted: this is what a user waits before the model can start thinking. Each run gets a
 * fresh server, a fresh WARD_HOME and a fake key; the project is a copy of the demo's.
 *
 * Run on its own: node bench/first-request.ts
 */
import { join } from 'node:path';
import { makeWorkspace, startWard } from '../test/support/run-ward.ts';
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from '../test/support/scripted-server.ts';
import { killAfter } from './support/bounded.ts';
import { measureChunkImports } from './support/import-cost.ts';
import { printReport, type BenchReport } from './support/report.ts';
import { round, summarize } from './support/stats.ts';

const WARM_UPS = 2;
const RUNS = 20;
const PER_RUN_TIMEOUT_MS = 20_000;
/** Passed through when set, to measure the effect of Node's on-disk compile cache. */
const compileCache = process.env.NODE_COMPILE_CACHE;

interface RunTimes {
  readonly toFirstRequest: number;
  readonly toExit: number;
}

/**
 * The scripted server has no request callback; it records each request by pushing it onto
 * `requests` once the body is read. Wrapping that one array's push observes the moment
 * exactly, without polling (a tight poll would steal a core from the process being timed).
 */
export function watchFirstRequest(server: ScriptedServer): () => { at: number; request: RecordedRequest } | null {
  let first: { at: number; request: RecordedRequest } | null = null;
  const { requests } = server;
  const push = Array.prototype.push;
  requests.push = (...items: RecordedRequest[]): number => {
    const at = performance.now();
    if (first === null && items[0] !== undefined) first = { at, request: items[0] };
    return push.apply(requests, items);
  };
  return () => first;
}

async function runOnce(project: string, home: string): Promise<RunTimes> {
  const server = await startScriptedServer({ turns: [{ text: 'Hello from the scripted model.' }] });
  try {
    const firstRequest = watchFirstRequest(server);
    const started = performance.now();
    const { child, done } = startWard(['-p', 'hi'], {
      cwd: project,
      env: {
        ANTHROPIC_BASE_URL: server.url,
        ANTHROPIC_API_KEY: 'fake-bench-key',
        WARD_HOME: home,
        ...(compileCache === undefined ? {} : { NODE_COMPILE_CACHE: compileCache }),
        ...(process.env.NODE_DISABLE_COMPILE_CACHE === undefined ? {} : { NODE_DISABLE_COMPILE_CACHE: process.env.NODE_DISABLE_COMPILE_CACHE }),
      },
    });
    const deadline = killAfter(child, PER_RUN_TIMEOUT_MS, 'ward -p hi');
    const run = await done;
    const exited = performance.now();
    deadline.cancel();
    const first = firstRequest();
    if (deadline.expired() !== null) throw new Error(deadline.expired() ?? '');
    if (run.code !== 0 || first === null) throw new Error(`ward -p hi failed (exit ${run.code ?? run.signal ?? '?'}): ${run.stderr}`);
    if (first.request.method !== 'POST' || !first.request.path.endsWith('/messages')) {
      throw new Error(`the first request was ${first.request.method} ${first.request.path}, not the model request`);
    }
    if (server.violations.length > 0) throw new Error(`scripted server violations: ${server.violations.join('; ')}`);
    return { toFirstRequest: first.at - started, toExit: exited - started };
  } finally {
    await server.close();
  }
}

export async function measureFirstRequest(): Promise<BenchReport> {
  const ws = makeWorkspace();
  try {
    for (let i = 0; i < WARM_UPS; i++) await runOnce(ws.project, join(ws.root, `home-warmup-${i}`));
    const runs: RunTimes[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await runOnce(ws.project, join(ws.root, `home-${i}`)));
    const first = summarize(runs.map((run) => run.toFirstRequest));
    const exit = summarize(runs.map((run) => run.toExit));
    const chunks = measureChunkImports();
    return {
      benchmark: 'ward -p: start to first model request',
      measurements: [
        { metric: 'median', value: round(first.median), unit: 'ms', targetBelow: 200 },
        { metric: 'p90', value: round(first.p90), unit: 'ms' },
        { metric: 'min', value: round(first.min), unit: 'ms' },
        { metric: 'whole one-turn run, start to exit, median', value: round(exit.median), unit: 'ms' },
        ...chunks.map((chunk) => ({
          metric: `of which: importing the ${chunk.chunk} chunk (${chunk.modules} modules), median`,
          value: round(chunk.medianMs),
          unit: 'ms' as const,
        })),
      ],
      notes: [
        `${RUNS} runs after ${WARM_UPS} warm-ups; each spawns \`node bin/ward.js -p hi\` (Anthropic wire format, fake key, fresh WARD_HOME) against a fresh scripted server on 127.0.0.1, timed from just before spawn to the moment the server has read the request body.`,
        `start to exit (one text turn answered, transcript closed): p90 ${round(exit.p90)} ms.`,
        'chunk imports: each measured in 10 fresh `node` processes importing dist/chunks/{run-cli,headless,anthropic}-*.js in that order (the order ward loads them), so each figure is that chunk given the ones before it; module counts include the dependencies each chunk pulls from node_modules (zod in headless, @anthropic-ai/sdk and what it imports in anthropic).',
        compileCache === undefined
          ? "Node compile cache: ward enables it (bin/ward.js, in the OS temp folder), so after the warm-ups these are warm-cache figures; NODE_DISABLE_COMPILE_CACHE=1 measures without it."
          : `Node compile cache: in NODE_COMPILE_CACHE=${compileCache}, passed to ward.`,
      ],
    };
  } finally {
    ws.cleanup();
  }
}

if (import.meta.main) printReport(await measureFirstRequest());
