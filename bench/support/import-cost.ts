/**
 * Where ward's start-up time goes: the cost of importing, in a fresh Node process, each
 * bundled chunk ward loads on the way to its first model request, in the order ward loads
 * them, and how many ES modules each pulls in (dependencies count: they are not bundled).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { REPO_ROOT } from '../../test/support/run-ward.ts';
import { summarize } from './stats.ts';

export interface ChunkCost {
  readonly chunk: string;
  /** Median milliseconds to import it, given the chunks before it are already loaded. */
  readonly medianMs: number;
  /** ES modules it loaded that were not loaded before (its dependencies included). */
  readonly modules: number;
}

/** The chunks on the path `ward -p` with the Anthropic provider takes, in load order. */
const CHUNK_PATH = ['run-cli', 'headless', 'anthropic'] as const;
const PROCESSES = 10;

// Runs in the child. With `count`, a module hook counts every module loaded (the hook itself
// costs time, so counting and timing are separate runs).
const CHILD_SOURCE = `
const urls = JSON.parse(process.argv[1]);
let loaded = 0;
if (process.argv[2] === 'count') {
  const { registerHooks } = await import('node:module');
  registerHooks({ load(url, context, next) { loaded++; return next(url, context); } });
}
const out = [];
for (const url of urls) {
  const before = loaded;
  const started = performance.now();
  await import(url);
  out.push({ ms: performance.now() - started, modules: loaded - before });
}
process.stdout.write(JSON.stringify(out));
`;

const childOutput = z.array(z.object({ ms: z.number(), modules: z.number().int() }));

function chunkFile(prefix: string): string {
  const dir = join(REPO_ROOT, 'dist', 'chunks');
  const name = readdirSync(dir).find((file) => file.startsWith(`${prefix}-`) && file.endsWith('.js'));
  if (name === undefined) throw new Error(`no ${prefix}-*.js in ${dir}; run npm run build`);
  return join(dir, name);
}

function importInFreshProcess(urls: readonly string[], count: boolean): z.infer<typeof childOutput> {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD_SOURCE, JSON.stringify(urls), count ? 'count' : 'time'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (run.status !== 0) throw new Error(`importing ${urls.join(', ')} failed: ${run.stderr}`);
  return childOutput.parse(JSON.parse(run.stdout));
}

export function measureChunkImports(): ChunkCost[] {
  const urls = CHUNK_PATH.map((prefix) => pathToFileURL(chunkFile(prefix)).href);
  const counts = importInFreshProcess(urls, true);
  const times: number[][] = CHUNK_PATH.map(() => []);
  for (let i = 0; i < PROCESSES; i++) {
    importInFreshProcess(urls, false).forEach((step, index) => times[index]?.push(step.ms));
  }
  return CHUNK_PATH.map((chunk, index) => ({
    chunk,
    medianMs: summarize(times[index] ?? []).median,
    modules: counts[index]?.modules ?? 0,
  }));
}
