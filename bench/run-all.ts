/**
 * `npm run bench`: every benchmark in sequence (after a build), then one markdown table of the
 * results with their targets, and the machine they ran on. Each benchmark talks only to
 * loopback, is bounded in runs and time, and cleans up its temp folders.
 *
 * Run: npm run bench   (or node bench/run-all.ts after npm run build)
 */
import { measureContextSessions } from './context-sessions.ts';
import { measureReleaseCheck } from './release-check.ts';
import { measureFirstRequest } from './first-request.ts';
import { describeMachine, machineTable } from './support/machine.ts';
import { notesText, resultsTable, targetMet, type BenchReport } from './support/report.ts';
import { measureSandboxOverhead } from './sandbox-overhead.ts';
import { measureSessionMemory } from './session-memory.ts';
import { measureShellAnalysis } from './shell-analysis.ts';
import { measureTelemetryOff } from './telemetry-off.ts';
import { measureToolOverhead } from './tool-overhead.ts';
import { measureVersionStartup } from './version-startup.ts';

const machine = describeMachine();
const benchmarks: readonly { readonly name: string; readonly run: () => BenchReport | Promise<BenchReport> }[] = [
  { name: 'version-startup', run: measureVersionStartup },
  { name: 'first-request', run: measureFirstRequest },
  { name: 'tool-overhead', run: measureToolOverhead },
  { name: 'session-memory', run: () => measureSessionMemory() },
  { name: 'shell-analysis', run: measureShellAnalysis },
  { name: 'sandbox-overhead', run: measureSandboxOverhead },
  { name: 'telemetry-off', run: () => measureTelemetryOff() },
  { name: 'context-sessions', run: measureContextSessions },
  { name: 'release-check', run: measureReleaseCheck },
];

const reports: BenchReport[] = [];
const started = performance.now();
for (const benchmark of benchmarks) {
  process.stderr.write(`running bench/${benchmark.name}.ts ...\n`);
  const benchStarted = performance.now();
  reports.push(await benchmark.run());
  process.stderr.write(`  done in ${((performance.now() - benchStarted) / 1000).toFixed(1)} s\n`);
}

const targets = reports.flatMap((report) => report.measurements).filter((m) => targetMet(m) !== null);
const met = targets.filter((m) => targetMet(m) === true).length;
const out = [
  `# ward benchmarks, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  '',
  machineTable(machine),
  resultsTable(reports),
  `${met} of ${targets.length} targets met; all benchmarks took ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  '',
  ...reports.map((report) => `### ${report.benchmark}\n\n${notesText(report)}`),
];
process.stdout.write(`${out.join('\n')}\n`);
