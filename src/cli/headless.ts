/**
 * `ward -p`: one task, run to completion without a terminal UI. Resolves the project, the
 * session (new, --continue or --resume), the prompt, the rules and the provider; wires the
 * transcript and the chosen output format to the event bus; and runs the shared session.
 */
import type { HeadlessArgs } from './args.ts';
import { EventBus } from '../events/bus.ts';
import { openSessionAudit } from '../audit/session-audit.ts';
import { resolveTelemetryConfig, startTelemetry, telemetryEnabled } from '../telemetry/index.ts';
import { runAgentSession } from '../agent/session-runner.ts';
import { secretValuesFrom } from '../policy/child-env.ts';
import { createRedactor } from '../policy/redaction.ts';
import { rebuildConversation, type RebuiltSession } from '../session/conversation.ts';
import { userHome, wardHome } from '../session/home.ts';
import { SessionNotFoundError, SessionStore, type SessionLocation } from '../session/store.ts';
import { loadTranscript, TranscriptError } from '../session/transcript-reader.ts';
import { TranscriptWriter } from '../session/transcript-writer.ts';
import { findExecutable } from '../tools/find-executable.ts';
import { headlessApprover } from './headless-approver.ts';
import { jsonRenderer, streamJsonRenderer } from './output/json-output.ts';
import { textRenderer } from './output/text-output.ts';
import { readPromptFromStdin } from './prompt-input.ts';
import { resolveProjectDir } from './project-dir.ts';
import type { NetworkDecision } from '../sandbox/network-proxy.ts';
import { setUpPolicy, type SandboxStatus } from './policy-setup.ts';
import { setUpProvider } from './provider-setup.ts';
import { UsageError } from './usage-error.ts';
import { wardVersion } from './version.ts';

export async function runHeadless(args: HeadlessArgs): Promise<number> {
  const env = process.env;
  const projectRoot = resolveProjectDir(args.cwd);
  const store = new SessionStore(wardHome(env), projectRoot);
  const { location, resumed, warnings } = withStateFolder(store.home, () => openSession(store, args));

  if (args.prompt !== null && args.prompt.trim() === '') {
    throw new UsageError('the prompt is empty: give the task after -p (ward -p "fix the failing test") or on stdin');
  }
  const prompt = args.prompt ?? (await readPromptFromStdin(process.stdin));
  if (prompt === null && (resumed === null || resumed.pendingUser.length === 0)) {
    throw new UsageError('no prompt: give the task after -p (ward -p "fix the failing test") or on stdin');
  }
  const home = wardHome(env);
  // The bus is made below; network decisions that arrive before it (none can: no command has
  // run yet) would be dropped, never misattributed.
  let emitNetwork: (decision: NetworkDecision) => void = () => undefined;
  const setup = await setUpPolicy({
    projectRoot,
    wardHome: home,
    home: userHome(env),
    env,
    permissionMode: args.permissionMode,
    allowedTools: args.allowedTools,
    disallowedTools: args.disallowedTools,
    trustProject: args.trustProject,
    budgets: args.budgets,
    onNetworkDecision: (decision) => emitNetwork(decision),
  });
  const { effective } = setup;

  const traceWrite = (text: string): void => void process.stderr.write(text);
  const providerFlags = {
    provider: args.provider ?? effective.provider.name,
    model: args.model ?? effective.provider.model,
    baseUrl: args.baseUrl ?? effective.provider.baseUrl,
  };
  const provider = await setUpProvider(providerFlags, env, (line) => {
    if (!args.quiet || args.outputFormat !== 'text') traceWrite(`ward: ${line}\n`);
  });

  const telemetryConfig = resolveTelemetryConfig(effective.telemetry, env);
  const redactor = createRedactor([...secretValuesFrom(env), ...telemetryConfig.secretValues]);
  const redact = (text: string): string => redactor(text).text;
  const bus = new EventBus({ redact });
  const transcript = withStateFolder(store.home, () => new TranscriptWriter(location.path));
  bus.subscribe(transcript.write);
  bus.subscribe(withStateFolder(store.home, () => openSessionAudit({ transcriptPath: location.path, effective, sandboxStatus: setup.sandboxStatus, env })).write);
  // OpenTelemetry only when turned on; its SDK then loads in the background (src/telemetry/index.ts).
  const telemetry = telemetryEnabled(telemetryConfig) ? startTelemetry(telemetryConfig, { wardVersion: wardVersion(), env, warn: (message) => bus.emit({ type: 'warning', message }) }) : null;
  if (telemetry !== null) bus.subscribe(telemetry.record);
  emitNetwork = (decision) => bus.emit({ type: 'network_decision', method: decision.method, host: decision.host, port: decision.port, allowed: decision.allowed, reason: decision.reason });
  const stdoutWrite = (text: string): void => void process.stdout.write(text);
  let stopJsonOutput = (): void => undefined;
  if (args.outputFormat === 'json') stopJsonOutput = bus.subscribe(jsonRenderer(stdoutWrite));
  else if (args.outputFormat === 'stream-json') stopJsonOutput = bus.subscribe(streamJsonRenderer(stdoutWrite));
  else {
    bus.subscribe(
      textRenderer({ trace: traceWrite, answer: stdoutWrite, quiet: args.quiet, color: process.stderr.isTTY && env.NO_COLOR === undefined }),
    );
  }

  const controller = new AbortController();
  const removeSignalHandlers = handleSignals(controller);
  try {
    const outcome = await runAgentSession(
      {
        sessionId: location.id,
        projectRoot,
        provider,
        bus,
        permissionMode: effective.mode,
        policy: setup.policy,
        hiddenTools: effective.hiddenTools,
        budgets: effective.budgets,
        headless: true,
        approve: headlessApprover,
        sandbox: setup.sandbox,
        childEnv: setup.childEnv,
        redact,
        ripgrepPath: findExecutable('rg', env.PATH),
        wardVersion: wardVersion(),
        signal: controller.signal,
        resumed,
        memoryHome: home,
        importsOutsideProjectAllowed: effective.untrusted === null,
        compactThreshold: args.compactThreshold ?? effective.compactThreshold,
        trimBatchTokens: effective.trimBatchTokens,
        promptCache: effective.promptCache,
        startupWarnings: [...warnings, ...effective.warnings, ...telemetryConfig.warnings, ...sandboxWarnings(setup.sandboxStatus)],
      },
      prompt,
    );
    return outcome.exitCode;
  } finally {
    removeSignalHandlers();
    if (telemetry !== null) {
      const told = await telemetry.shutdown();
      // The JSON formats end with their summary object: what comes after goes to the transcript.
      stopJsonOutput();
      for (const message of told) bus.emit({ type: 'warning', message });
    }
    await setup.close();
    transcript.close();
  }
}

function openSession(store: SessionStore, args: HeadlessArgs): { location: SessionLocation; resumed: RebuiltSession | null; warnings: string[] } {
  let location: SessionLocation;
  try {
    if (args.continueLatest) {
      const latest = store.latest();
      if (latest === null) throw new UsageError('--continue: this project has no earlier session to continue', 'start one with ward -p "your task"');
      location = latest;
    } else if (args.resumeId !== undefined) {
      location = store.byId(args.resumeId);
    } else {
      return { location: store.create(), resumed: null, warnings: [] };
    }
  } catch (error) {
    if (error instanceof SessionNotFoundError) throw new UsageError(error.message);
    throw error;
  }
  try {
    const loaded = loadTranscript(location.path);
    return { location, resumed: rebuildConversation(loaded.events), warnings: loaded.warnings };
  } catch (error) {
    if (error instanceof TranscriptError) throw new UsageError(error.message);
    throw error;
  }
}

/** Problems with ward's own state folder are configuration errors (exit 2), named as such. */
function withStateFolder<T>(home: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && ['ENOTDIR', 'EACCES', 'EPERM', 'EEXIST', 'EROFS', 'ENOSPC'].includes(code)) {
      throw new UsageError(`cannot use ward's state folder ${home} (${code}: ${(error as Error).message})`, 'set WARD_HOME to a folder you can write, or fix the permissions of this one');
    }
    throw error;
  }
}

/** Said once, at the start, when commands will not run in the sandbox. */
function sandboxWarnings(status: SandboxStatus): string[] {
  if (status.state === 'on') return [];
  if (status.state === 'off') return [`the sandbox is turned off (${status.by}): commands run on this machine with your permissions`];
  return [
    `the sandbox cannot start: ${status.reason}. Every command not allowed by a rule needs approval (headless: denied). ${status.fix}`,
  ];
}

/**
 * The first SIGINT, SIGTERM or SIGHUP cancels the session: the running tool is stopped, the
 * loop ends, `session_ended` is recorded, the transcript is closed. A second signal exits at
 * once: every process group ward started is killed first (an exit hook in shell-session.ts),
 * and the transcript, written event by event, is complete up to the last event.
 */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

function handleSignals(controller: AbortController): () => void {
  const handlers = (Object.keys(SIGNAL_EXIT) as (keyof typeof SIGNAL_EXIT)[]).map((signal) => {
    const handler = (): void => {
      if (controller.signal.aborted) process.exit(SIGNAL_EXIT[signal]);
      controller.abort(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  // A reader that went away (`ward -p … | head -1`) ends the session like a signal would.
  const onPipeError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE' && !controller.signal.aborted) controller.abort('EPIPE');
  };
  process.stdout.on('error', onPipeError);
  process.stderr.on('error', onPipeError);
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
