/**
 * What the bubblewrap sandbox adds to every command: the time from spawning `true` to its exit,
 * run directly and through the sandbox (wrap() included, so planning the mounts is counted),
 * interleaved run by run so drift on a busy machine hits both alike. The policy is a realistic
 * one: a git project, the built-in credential paths denied, the project's protected paths
 * read-only. A third subject runs with a network allowlist, which starts the in-sandbox proxy
 * forwarder before the command (a Node start): a context figure, not the target.
 *
 * Run on its own: node bench/sandbox-overhead.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox } from '../src/sandbox/create.ts';
import { detectSandbox } from '../src/sandbox/detect.ts';
import type { SandboxPolicy } from '../src/sandbox/policy.ts';
import type { Sandbox, SpawnSpec } from '../src/sandbox/types.ts';
import { printReport, type BenchReport } from './support/report.ts';
import { round, summarize } from './support/stats.ts';

const WARM_UPS = 5;
const RUNS = 50;
const PROXY_RUNS = 20;
const PER_RUN_TIMEOUT_MS = 10_000;

const HOME_DENY = ['.ssh', '.aws', '.gnupg', '.config/gh', '.config/gcloud', '.azure', '.kube', '.docker/config.json', '.netrc', '.npmrc', '.pypirc', '.git-credentials'];
const PROJECT_PROTECTED = ['.ward/settings.json', '.ward/settings.local.json', '.git/hooks', '.git/config', '.gitmodules', '.vscode/tasks.json', '.vscode/launch.json', '.vscode/settings.json', '.github/workflows', '.husky', '.envrc'];

/** Times one run of `true` through `sandbox` (or directly), from just before wrap() to its exit. */
function timeRun(sandbox: Sandbox | null, cwd: string, env: Record<string, string>): number {
  const started = performance.now();
  const spec: SpawnSpec = { file: 'true', args: [], cwd, env };
  const wrapped = sandbox === null ? spec : sandbox.wrap(spec);
  const run = spawnSync(wrapped.file, [...wrapped.args], { cwd: wrapped.cwd, env: { ...wrapped.env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: PER_RUN_TIMEOUT_MS });
  const elapsed = performance.now() - started;
  if (run.status !== 0) throw new Error(`${wrapped.file} failed (status ${run.status ?? run.signal ?? '?'}): ${run.stderr.toString()}${run.error?.message ?? ''}`);
  return elapsed;
}

export async function measureSandboxOverhead(): Promise<BenchReport> {
  const benchmark = 'sandbox start overhead (bubblewrap)';
  const detection = await detectSandbox(process.platform, process.env);
  if (!detection.available || detection.backend !== 'bubblewrap') {
    return { benchmark, measurements: [], notes: [`not measured: ${detection.available ? `the sandbox here is ${detection.backend}` : `${detection.reason}; ${detection.fix}`}`] };
  }
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'ward-bench-sandbox-')));
  try {
    const home = join(base, 'home');
    const project = join(base, 'project');
    mkdirSync(join(project, '.git', 'hooks'), { recursive: true });
    writeFileSync(join(project, '.git', 'config'), '[core]\n');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(join(home, '.netrc'), 'machine example.com\n');
    const policy: SandboxPolicy = {
      writableRoots: [project],
      denyRead: HOME_DENY.map((entry) => join(home, entry)),
      readOnly: PROJECT_PROTECTED.map((entry) => join(project, entry)),
      network: { kind: 'none' },
    };
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home };
    const sandbox = createSandbox(policy, detection);
    const proxied = createSandbox({ ...policy, network: { kind: 'proxy', allowedDomains: ['registry.npmjs.org'] } }, detection);
    try {
      const direct: number[] = [];
      const wrapped: number[] = [];
      const withProxy: number[] = [];
      for (let i = 0; i < WARM_UPS; i++) {
        timeRun(null, project, env);
        timeRun(sandbox, project, env);
        timeRun(proxied, project, env);
      }
      for (let i = 0; i < RUNS; i++) {
        direct.push(timeRun(null, project, env));
        wrapped.push(timeRun(sandbox, project, env));
        if (i < PROXY_RUNS) withProxy.push(timeRun(proxied, project, env));
      }
      const d = summarize(direct);
      const s = summarize(wrapped);
      const p = summarize(withProxy);
      const wrapStarted = performance.now();
      for (let i = 0; i < 1000; i++) sandbox.wrap({ file: 'true', args: [], cwd: project, env });
      const wrapMicros = ((performance.now() - wrapStarted) * 1000) / 1000;
      return {
        benchmark,
        measurements: [
          { metric: 'overhead (sandboxed - direct), median', value: round(s.median - d.median), unit: 'ms', targetBelow: 15 },
          { metric: 'sandboxed `true`, median', value: round(s.median), unit: 'ms' },
          { metric: 'sandboxed `true`, p90', value: round(s.p90), unit: 'ms' },
          { metric: 'direct `true`, median', value: round(d.median), unit: 'ms' },
          { metric: 'wrap() alone (mount planning), mean', value: round(wrapMicros), unit: 'µs' },
          { metric: 'with a network allowlist (proxy forwarder), median', value: round(p.median), unit: 'ms' },
        ],
        notes: [
          `${RUNS} runs of each after ${WARM_UPS} warm-ups, interleaved, each timed from just before wrap() to the child's exit (spawnSync); bwrap ${detection.path}, --disable-userns ${detection.disableNestedUserNamespaces === true ? 'on' : 'off'}.`,
          `policy: ${policy.denyRead.length} deny-read paths (the existing ones are masked), ${policy.readOnly.length} protected project paths (missing ones handled as in ward: parent read-only or an empty placeholder folder), /run masked, private /tmp.`,
          `with a network allowlist: ${PROXY_RUNS} runs; the in-sandbox forwarder is a Node process started before the command, so this is dominated by Node's start (p90 ${round(p.p90)} ms).`,
        ],
      };
    } finally {
      await sandbox.close();
      await proxied.close();
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

if (import.meta.main) printReport(await measureSandboxOverhead());
