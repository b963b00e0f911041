/**
 * Telemetry off costs nothing, telemetry on costs little. Three builds of `ward -p hi` (one
 * scripted text turn, fresh WARD_HOME and scripted server per run), interleaved run by run so
 * drift on a busy machine hits all alike:
 *
 *   before   the same sources built the same way, with src/telemetry/index.ts replaced by a
 *            stub that says "off" (ward as it was without telemetry on its start path)
 *   off      dist/ as built, no OTEL variables
 *   on       dist/ as built, OTEL_EXPORTER_OTLP_ENDPOINT at a loopback OTLP receiver
 *
 * Measured: time to the first model request and to exit, peak RSS, and which modules each
 * loads (a module hook through NODE_OPTIONS): off must load none of the telemetry chunk.
 *
 * Run on its own: node bench/telemetry-off.ts   (after npm run build)
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { copyTreeSitterFiles } from '../src/policy/shell/parser.ts';
import { makeWorkspace, REPO_ROOT, WARD_BIN } from '../test/support/run-ward.ts';
import { startScriptedServer } from '../test/support/scripted-server.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../test/telemetry/otlp-receiver.ts';
import { watchFirstRequest } from './first-request.ts';
import { killAfter } from './support/bounded.ts';
import { defaultRssMethod, runMeasuringPeakRss, type RssMethod } from './support/peak-rss.ts';
import { printReport, type BenchReport, type Measurement } from './support/report.ts';
import { round, summarize } from './support/stats.ts';
import { wardBuildOptions } from '../scripts/build-options.ts';

const WARM_UPS = 2;
const RUNS = 15;
const RSS_RUNS = 8;
const PER_RUN_TIMEOUT_MS = 20_000;
const VARIANTS = ['before', 'off', 'on'] as const;
type Variant = (typeof VARIANTS)[number];

const STUB = `export const resolveTelemetryConfig = () => ({ enabled: false, secretValues: [], warnings: [] });
export const telemetryEnabled = () => false;
export const startTelemetry = () => null;
`;

/** The build of scripts/build.ts, into `dir`, with telemetry stubbed out (or not, as a control). */
export async function buildInto(dir: string, stubTelemetry: boolean): Promise<string> {
  const stub: Plugin = {
    name: 'telemetry-stub',
    setup(b) {
      b.onLoad({ filter: /[/\\]src[/\\]telemetry[/\\]index\.ts$/ }, () => ({ contents: STUB, loader: 'ts' }));
    },
  };
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  await build({
    ...wardBuildOptions(pkg.version),
    absWorkingDir: REPO_ROOT,
    outdir: join(dir, 'dist'),
    plugins: stubTelemetry ? [stub] : [],
  });
  copyTreeSitterFiles(join(dir, 'dist'));
  mkdirSync(join(dir, 'bin'));
  copyFileSync(WARD_BIN, join(dir, 'bin', 'ward.js'));
  // Without it Node would first try each .js file as CommonJS, then parse it again as ESM.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const chunks = readdirSync(join(dir, 'dist', 'chunks'));
  if (stubTelemetry === chunks.some((name) => name.startsWith('sdk-session-'))) throw new Error(`the build ${stubTelemetry ? 'still has' : 'lacks'} a telemetry chunk`);
  return join(dir, 'bin', 'ward.js');
}

interface Context {
  readonly bins: Record<Variant, string>;
  readonly receiver: OtlpReceiver;
  readonly root: string;
  readonly project: string;
}

function envFor(context: Context, variant: Variant, home: string, modelUrl: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    NO_COLOR: '1',
    ANTHROPIC_BASE_URL: modelUrl,
    ANTHROPIC_API_KEY: 'fake-bench-key',
    WARD_HOME: home,
    ...(variant === 'on' ? { OTEL_EXPORTER_OTLP_ENDPOINT: context.receiver.url } : {}),
  };
}

let runCounter = 0;
const freshHome = (context: Context): string => join(context.root, `home-${runCounter++}`);

async function timeOnce(context: Context, variant: Variant, extraEnv: Record<string, string> = {}): Promise<{ toFirstRequest: number; toExit: number }> {
  const server = await startScriptedServer({ turns: [{ text: 'Hello from the scripted model.' }] });
  try {
    const firstRequest = watchFirstRequest(server);
    const started = performance.now();
    const child = spawn(process.execPath, [context.bins[variant], '-p', 'hi'], {
      cwd: context.project,
      env: { ...envFor(context, variant, freshHome(context), server.url), ...extraEnv },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const deadline = killAfter(child, PER_RUN_TIMEOUT_MS, `ward -p hi (${variant})`);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const exited = performance.now();
    deadline.cancel();
    const first = firstRequest();
    if (deadline.expired() !== null) throw new Error(deadline.expired() ?? '');
    if (code !== 0 || first === null) throw new Error(`ward -p hi (${variant}) failed (exit ${code ?? '?'}): ${stderr}`);
    return { toFirstRequest: first.at - started, toExit: exited - started };
  } finally {
    await server.close();
  }
}

async function peakRssOnce(context: Context, variant: Variant, method: RssMethod): Promise<number> {
  const server = await startScriptedServer({ turns: [{ text: 'Hello from the scripted model.' }] });
  try {
    const run = await runMeasuringPeakRss(process.execPath, [context.bins[variant], '-p', 'hi'], method, {
      cwd: context.project,
      env: envFor(context, variant, freshHome(context), server.url),
      timeoutMs: PER_RUN_TIMEOUT_MS,
    });
    if (run.code !== 0) throw new Error(`ward -p hi (${variant}) exited ${run.code ?? run.signal ?? '?'}: ${run.stderr}`);
    return run.peakRssKb;
  } finally {
    await server.close();
  }
}

/** The modules a run loads, through a module hook passed in NODE_OPTIONS. */
async function modulesLoaded(context: Context, variant: Variant): Promise<string[]> {
  const hook = join(context.root, 'log-modules.mjs');
  const log = join(context.root, `modules-${variant}-${runCounter++}.txt`);
  writeFileSync(hook, "import { registerHooks } from 'node:module';\nimport { appendFileSync } from 'node:fs';\nregisterHooks({ load(url, context, next) { appendFileSync(process.env.BENCH_MODULE_LOG, url + '\\n'); return next(url, context); } });\n");
  writeFileSync(log, '');
  await timeOnce(context, variant, { NODE_OPTIONS: `--import=${hook}`, BENCH_MODULE_LOG: log });
  return readFileSync(log, 'utf8').split('\n').filter((line) => line !== '');
}

const isTelemetryChunk = (url: string): boolean => /\/chunks\/sdk-session-[^/]+\.js$/.test(url);

function loadedBytes(urls: readonly string[]): number {
  return urls.filter((url) => url.startsWith('file:') && url.endsWith('.js')).reduce((sum, url) => sum + statSync(fileURLToPath(url)).size, 0);
}

export async function measureTelemetryOff(method: RssMethod = defaultRssMethod()): Promise<BenchReport> {
  const root = mkdtempSync(join(tmpdir(), 'ward-bench-telemetry-'));
  const ws = makeWorkspace();
  const receiver = await startOtlpReceiver();
  try {
    const before = await buildInto(join(root, 'before'), true);
    const context: Context = { bins: { before, off: WARD_BIN, on: WARD_BIN }, receiver, root, project: ws.project };

    const modules = {} as Record<Variant, string[]>;
    for (const variant of VARIANTS) modules[variant] = await modulesLoaded(context, variant);
    if (modules.off.some(isTelemetryChunk)) throw new Error('telemetry off loaded the telemetry chunk');
    if (!modules.on.some(isTelemetryChunk)) throw new Error('telemetry on did not load the telemetry chunk: the module log is broken');

    for (let i = 0; i < WARM_UPS; i++) for (const variant of VARIANTS) await timeOnce(context, variant);
    const times = { before: [], off: [], on: [] } as Record<Variant, { toFirstRequest: number; toExit: number }[]>;
    for (let i = 0; i < RUNS; i++) for (const variant of VARIANTS) times[variant].push(await timeOnce(context, variant));
    const rss = { before: [], off: [], on: [] } as Record<Variant, number[]>;
    for (let i = 0; i < RSS_RUNS; i++) for (const variant of VARIANTS) rss[variant].push(await peakRssOnce(context, variant, method));
    if (receiver.requests.length === 0) throw new Error('telemetry on exported nothing');

    const median = (variant: Variant, key: 'toFirstRequest' | 'toExit'): number => summarize(times[variant].map((run) => run[key])).median;
    const rssMb = (variant: Variant): number => summarize(rss[variant]).median / 1024;
    const measurements: Measurement[] = [];
    for (const variant of VARIANTS) {
      measurements.push(
        { metric: `${variant}: start to first model request, median`, value: round(median(variant, 'toFirstRequest')), unit: 'ms' },
        { metric: `${variant}: start to exit, median`, value: round(median(variant, 'toExit')), unit: 'ms' },
        { metric: `${variant}: peak RSS, median`, value: round(rssMb(variant)), unit: 'MB' },
        { metric: `${variant}: JavaScript loaded (${modules[variant].length} modules)`, value: round(loadedBytes(modules[variant]) / 1024, 0), unit: 'KB' },
      );
    }
    const chunk = readdirSync(join(REPO_ROOT, 'dist', 'chunks')).find((name) => name.startsWith('sdk-session-') && name.endsWith('.js'));
    return {
      benchmark: 'telemetry off vs on',
      measurements,
      notes: [
        `${RUNS} timed runs per build after ${WARM_UPS} warm-ups, interleaved (before, off, on); ${RSS_RUNS} peak-RSS runs each (${method === 'gnu-time' ? 'GNU time' : '/proc polling'}). Each run: \`node bin/ward.js -p hi\`, one scripted text turn on 127.0.0.1, fresh WARD_HOME.`,
        'before: the same sources built with the options of scripts/build.ts, src/telemetry/index.ts replaced at build time by a stub that reports telemetry off.',
        `modules loaded (a module hook through NODE_OPTIONS; Node built-ins included): before ${modules.before.length}, off ${modules.off.length}, on ${modules.on.length}. off loaded the telemetry chunk: no; on: yes. The telemetry chunk is ${chunk ?? '?'} (${chunk === undefined ? '?' : round(statSync(join(REPO_ROOT, 'dist', 'chunks', chunk)).size / 1024, 0)} KB).`,
        'off loads one file more than before: @opentelemetry/api, which the Anthropic SDK imports and loaded before telemetry existed, is now a chunk of its own because the telemetry chunk shares it; the rest of the difference in bytes is the telemetry configuration code.',
        `on: exports to a loopback receiver (${receiver.requests.length} export requests over all runs); its start to exit includes the final flush at session end.`,
      ],
    };
  } finally {
    await receiver.close();
    ws.cleanup();
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.main) printReport(await measureTelemetryOff(process.argv.includes('--proc') ? 'proc-poll' : defaultRssMethod()));
