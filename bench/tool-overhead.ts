/**
 * What ward's governed tool path costs per call, apart from the tool's own work: validation,
 * the policy decision, four events through the redacting bus into a real transcript on disk,
 * the timeout wiring, redaction and the output cap. In-process, with the real parts
 * (EventBus, TranscriptWriter, redactor, Policy in default mode, ToolRegistry, runToolCall)
 * and one trivial read-only tool defined here, so the difference between a call through
 * runToolCall and the bare tool is the pipeline's overhead.
 *
 * Run on its own: node bench/tool-overhead.ts
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ProtectedWatch } from '../src/agent/protected-watch.ts';
import { DEFAULT_LIMITS } from '../src/agent/session-runner.ts';
import { runToolCall, type ToolRunnerDeps } from '../src/agent/tool-runner.ts';
import { headlessApprover } from '../src/cli/headless-approver.ts';
import { EventBus } from '../src/events/bus.ts';
import type { ToolUseBlock } from '../src/model/types.ts';
import { secretValuesFrom } from '../src/policy/child-env.ts';
import { Policy } from '../src/policy/engine.ts';
import { analyzeShell, initShellParser, isReadOnlyCommand } from '../src/policy/shell/analyze.ts';
import { createRedactor } from '../src/policy/redaction.ts';
import { TranscriptWriter } from '../src/session/transcript-writer.ts';
import { capOutput } from '../src/tools/output-cap.ts';
import { ToolRegistry } from '../src/tools/registry.ts';
import type { ToolDefinition } from '../src/tools/types.ts';
import { printReport, type BenchReport } from './support/report.ts';
import { round, summarize } from './support/stats.ts';

const CALLS = 20_000;
const WARM_UP_CALLS = 2_000;
const TOOL_OUTPUT = '1\tconst answer = 42;\n2\texport default answer;\n';

const benchInput = z.object({ path: z.string().min(1) });

/** Reads nothing: answers at once, so everything measured around it is the pipeline. */
const trivialRead: ToolDefinition<z.infer<typeof benchInput>> = {
  name: 'bench_read',
  description: 'Returns a fixed short text (benchmark tool).',
  inputSchema: benchInput,
  kind: 'read',
  readOnly: true,
  target: (input, projectRoot) => ({ paths: [resolve(projectRoot, input.path)] }),
  execute: () => Promise.resolve({ output: TOOL_OUTPUT, isError: false }),
};

/** Mean microseconds per iteration of a synchronous step, over `count` iterations. */
function meanMicros(count: number, step: (i: number) => void): number {
  const started = performance.now();
  for (let i = 0; i < count; i++) step(i);
  return ((performance.now() - started) * 1000) / count;
}

export async function measureToolOverhead(): Promise<BenchReport> {
  const root = mkdtempSync(join(tmpdir(), 'ward-bench-tools-'));
  const projectRoot = join(root, 'project');
  mkdirSync(join(projectRoot, 'src'), { recursive: true });
  writeFileSync(join(projectRoot, 'src', 'answer.ts'), TOOL_OUTPUT);
  const transcriptPath = join(root, 'home', 'projects', 'bench', 'session.jsonl');
  const transcript = new TranscriptWriter(transcriptPath);
  try {
    // A key in the environment, as in any real session, so the exact-value pattern is live too.
    const redactor = createRedactor(secretValuesFrom({ ANTHROPIC_API_KEY: 'sk-ant-fake-bench-key-000000000000000000000000' }));
    const redact = (text: string): string => redactor(text).text;
    const bus = new EventBus({ redact });
    bus.subscribe(transcript.write);
    await initShellParser();
    const policy = new Policy({
      mode: 'default',
      allow: [],
      ask: [],
      deny: [],
      projectRoot,
      home: join(root, 'home'),
      wardHome: join(root, 'home', '.ward'),
      sandboxed: true,
      analyzeShell,
      isReadOnlyCommand,
    });
    const deps: ToolRunnerDeps = {
      registry: new ToolRegistry([trivialRead]),
      policy: Promise.resolve(policy),
      approve: headlessApprover,
      bus,
      redact,
      projectRoot,
      outputCapChars: DEFAULT_LIMITS.outputCapChars,
      callTimeoutMs: DEFAULT_LIMITS.maxCommandTimeoutMs + 30_000,
      sandboxName: 'none',
      watch: new ProtectedWatch({ protectedPaths: policy.protectedInProject(), projectRoot, quarantineRoot: join(root, 'quarantine') }),
      signal: new AbortController().signal,
    };
    const callFor = (i: number): ToolUseBlock => ({ type: 'tool_use', id: `toolu_bench_${i}`, name: trivialRead.name, input: { path: 'src/answer.ts' } });

    const runOne = async (i: number): Promise<number> => {
      const started = performance.now();
      const result = await runToolCall(callFor(i), deps);
      const elapsed = performance.now() - started;
      // The allow path is what is being measured: a denial or an error would be a cheaper path.
      if (result.isError || result.content !== TOOL_OUTPUT) throw new Error(`the benchmark call did not succeed: ${result.content}`);
      return elapsed;
    };
    for (let i = 0; i < WARM_UP_CALLS; i++) await runOne(i);
    const sizeBefore = statSync(transcriptPath).size;
    const pipeline: number[] = [];
    for (let i = 0; i < CALLS; i++) pipeline.push(await runOne(WARM_UP_CALLS + i));
    const bytesPerCall = (statSync(transcriptPath).size - sizeBefore) / CALLS;

    const context = { projectRoot, signal: deps.signal, authorize: () => Promise.resolve({ allowed: true, reason: '' }), readable: () => true, judged: () => undefined };
    const bare: number[] = [];
    for (let i = 0; i < WARM_UP_CALLS + CALLS; i++) {
      const started = performance.now();
      await trivialRead.execute({ path: 'src/answer.ts' }, context);
      if (i >= WARM_UP_CALLS) bare.push(performance.now() - started);
    }

    // Where the time goes, step by step (each step alone, in a tight loop).
    const steps = {
      validate: meanMicros(CALLS, () => trivialRead.inputSchema.safeParse({ path: 'src/answer.ts' })),
      decide: meanMicros(CALLS, () => policy.decide({ tool: trivialRead.name, kind: 'read', target: trivialRead.target({ path: 'src/answer.ts' }, projectRoot) })),
      decideShell: meanMicros(CALLS, () => policy.decide({ tool: 'bash', kind: 'execute', target: { command: 'git diff --stat HEAD~1 -- src/ | head -50', cwd: projectRoot } })),
      emitAndPersist: meanMicros(CALLS, (i) =>
        bus.emit({ type: 'tool_started', callId: `toolu_step_${i}`, tool: trivialRead.name }),
      ),
      redactAndCap: meanMicros(CALLS, () => capOutput(redact(TOOL_OUTPUT), deps.outputCapChars)),
    };

    const p = summarize(pipeline.map((ms) => ms * 1000));
    const b = summarize(bare.map((ms) => ms * 1000));
    return {
      benchmark: 'tool call pipeline overhead',
      measurements: [
        { metric: 'per call through runToolCall, mean', value: round(p.mean, 1), unit: 'µs', targetBelow: 1000 },
        { metric: 'per call through runToolCall, median', value: round(p.median, 1), unit: 'µs' },
        { metric: 'per call through runToolCall, p90', value: round(p.p90, 1), unit: 'µs' },
        { metric: 'the trivial tool alone, mean', value: round(b.mean, 2), unit: 'µs' },
        { metric: 'overhead (pipeline - tool), mean', value: round(p.mean - b.mean, 1), unit: 'µs' },
      ],
      notes: [
        `${CALLS} sequential calls after ${WARM_UP_CALLS} warm-ups, each timed with performance.now(); the tool alone likewise (median ${round(b.median, 2)} µs).`,
        `one call emits 4 events (proposed, decision, started, finished), written with writeSync: ${round(bytesPerCall, 0)} transcript bytes per call.`,
        `steps alone, mean per call: zod validation ${round(steps.validate, 2)} µs; target + policy decision (realpath of the target) ${round(steps.decide, 2)} µs; a bash decision with shell parsing (git diff --stat HEAD~1 -- src/ | head -50) ${round(steps.decideShell, 2)} µs; one event through the redacting bus into the transcript ${round(steps.emitAndPersist, 2)} µs (×4 per call); redaction + output cap of the result ${round(steps.redactAndCap, 2)} µs.`,
      ],
    };
  } finally {
    transcript.close();
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.main) printReport(await measureToolOverhead());
