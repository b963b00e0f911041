/**
 * Cold `ward --version`: the time from spawning `node bin/ward.js --version` to its exit, as a
 * user at a shell would see it. Two baselines are measured the same way, interleaved with it
 * run by run so drift on a busy machine hits all three alike: a bare `node -e ''` (Node's own
 * start) and an empty ES module file (Node's start plus its ESM loader, which ward, an ES
 * module, cannot avoid). What is left above the second is ward's own code.
 *
 * Run on its own: node bench/version-startup.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WARD_BIN } from '../test/support/run-ward.ts';
import { printReport, type BenchReport } from './support/report.ts';
import { round, summarize } from './support/stats.ts';

const WARM_UPS = 3;
const RUNS = 30;
const PER_RUN_TIMEOUT_MS = 10_000;

interface Subject {
  readonly args: readonly string[];
  readonly expectStdout: RegExp;
  readonly times: number[];
}

/** Times one process from just before spawn to its exit; fails on a wrong exit or output. */
function timeProcess(subject: Subject): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, subject.args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' },
    timeout: PER_RUN_TIMEOUT_MS,
  });
  const elapsed = performance.now() - started;
  if (run.status !== 0 || !subject.expectStdout.test(run.stdout)) {
    throw new Error(`node ${subject.args.join(' ')} failed (status ${run.status ?? run.signal ?? '?'}): ${run.stderr || run.stdout}`);
  }
  return elapsed;
}

export function measureVersionStartup(): BenchReport {
  const dir = mkdtempSync(join(tmpdir(), 'ward-bench-startup-'));
  try {
    const emptyModule = join(dir, 'empty.mjs');
    writeFileSync(emptyModule, 'export {};\n');
    const ward: Subject = { args: [WARD_BIN, '--version'], expectStdout: /^\d+\.\d+\.\d+/, times: [] };
    const bare: Subject = { args: ['-e', ''], expectStdout: /^$/, times: [] };
    const esm: Subject = { args: [emptyModule], expectStdout: /^$/, times: [] };
    const subjects = [ward, bare, esm];

    for (let i = 0; i < WARM_UPS; i++) for (const subject of subjects) timeProcess(subject);
    for (let i = 0; i < RUNS; i++) for (const subject of subjects) subject.times.push(timeProcess(subject));

    const w = summarize(ward.times);
    const b = summarize(bare.times);
    const e = summarize(esm.times);
    return {
      benchmark: 'ward --version (cold start)',
      measurements: [
        { metric: 'median', value: round(w.median), unit: 'ms', targetBelow: 60 },
        { metric: 'p90', value: round(w.p90), unit: 'ms' },
        { metric: 'min', value: round(w.min), unit: 'ms' },
        { metric: "baseline: bare `node -e ''`, median", value: round(b.median), unit: 'ms' },
        { metric: 'baseline: empty ES module file, median', value: round(e.median), unit: 'ms' },
        { metric: "ward's own share (ward - empty ES module), median", value: round(w.median - e.median), unit: 'ms' },
      ],
      notes: [
        `${RUNS} runs of each after ${WARM_UPS} warm-ups, interleaved, each timed from just before spawnSync to the child's exit; Node ${process.versions.node}.`,
        `bare node: p90 ${round(b.p90)} ms, min ${round(b.min)} ms; empty ES module: p90 ${round(e.p90)} ms, min ${round(e.min)} ms.`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) printReport(measureVersionStartup());
