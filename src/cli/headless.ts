/**
 * `ward -p`: one task, run to completion without a terminal UI. Resolves the project, the
 * session (new, --continue or --resume), the prompt, the rules and the provider; wires the
 * transcript and the chosen output format to the event bus; and runs the shared session.
 */
import type { HeadlessArgs } from './args.ts';
import { EventBus } from '../events/bus.ts';
import { runAgentSession } from '../agent/session-runner.ts';
import { secretValuesFrom } from '../policy/child-env.ts';
import { createRedactor } from '../policy/redaction.ts';
import { parseRule, RuleSyntaxError, splitRuleList, type Rule } from '../policy/rules.ts';
import { hostRunner } from '../sandbox/host.ts';
import { rebuildConversation, type RebuiltSession } from '../session/conversation.ts';
import { userHome, wardHome } from '../session/home.ts';
import { SessionNotFoundError, SessionStore, type SessionLocation } from '../session/store.ts';
import { loadTranscript, TranscriptError } from '../session/transcript-reader.ts';
import { TranscriptWriter } from '../session/transcript-writer.ts';
import { findExecutable } from '../tools/find-executable.ts';
import { BUILTIN_TOOL_NAMES } from '../tools/tool-names.ts';
import { headlessApprover } from './headless-approver.ts';
import { jsonRenderer, streamJsonRenderer } from './output/json-output.ts';
import { textRenderer } from './output/text-output.ts';
import { readPromptFromStdin } from './prompt-input.ts';
import { resolveProjectDir } from './project-dir.ts';
import { setUpProvider } from './provider-setup.ts';
import { UsageError } from './usage-error.ts';
import { wardVersion } from './version.ts';

export async function runHeadless(args: HeadlessArgs): Promise<number> {
  const env = process.env;
  const projectRoot = resolveProjectDir(args.cwd);
  const store = new SessionStore(wardHome(env), projectRoot);
  const { location, resumed, warnings } = openSession(store, args);

  const prompt = args.prompt ?? (await readPromptFromStdin(process.stdin));
  if (prompt === null && (resumed === null || resumed.pendingUser.length === 0)) {
    throw new UsageError('no prompt: give the task after -p (ward -p "fix the failing test") or on stdin');
  }
  const rules = parseRules(args);

  const traceWrite = (text: string): void => void process.stderr.write(text);
  const provider = await setUpProvider(args, env, (line) => {
    if (!args.quiet || args.outputFormat !== 'text') traceWrite(`ward: ${line}\n`);
  });

  const redactor = createRedactor(secretValuesFrom(env));
  const redact = (text: string): string => redactor(text).text;
  const bus = new EventBus({ redact });
  const transcript = new TranscriptWriter(location.path);
  bus.subscribe(transcript.write);
  const stdoutWrite = (text: string): void => void process.stdout.write(text);
  if (args.outputFormat === 'json') bus.subscribe(jsonRenderer(stdoutWrite));
  else if (args.outputFormat === 'stream-json') bus.subscribe(streamJsonRenderer(stdoutWrite));
  else {
    bus.subscribe(
      textRenderer({ trace: traceWrite, answer: stdoutWrite, quiet: args.quiet, color: process.stderr.isTTY && env.NO_COLOR === undefined }),
    );
  }

  const controller = new AbortController();
  const removeSignalHandlers = handleSignals(controller);
  try {
    for (const message of warnings) bus.emit({ type: 'warning', message });
    const outcome = await runAgentSession(
      {
        sessionId: location.id,
        projectRoot,
        provider,
        bus,
        permissionMode: args.permissionMode,
        allowRules: rules.allow,
        denyRules: rules.deny,
        hiddenTools: rules.hidden,
        maxTurns: args.maxTurns,
        headless: true,
        approve: headlessApprover,
        sandbox: hostRunner,
        parentEnv: env,
        redact,
        home: userHome(env),
        ripgrepPath: findExecutable('rg', env.PATH),
        wardVersion: wardVersion(),
        signal: controller.signal,
        resumed,
      },
      prompt,
    );
    return outcome.exitCode;
  } finally {
    removeSignalHandlers();
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

function parseRules(args: HeadlessArgs): { allow: Rule[]; deny: Rule[]; hidden: Set<string> } {
  const known = new Set<string>(BUILTIN_TOOL_NAMES);
  const parse = (flag: string, values: readonly string[]): Rule[] => {
    try {
      return values.flatMap(splitRuleList).map((text) => parseRule(text, known));
    } catch (error) {
      if (error instanceof RuleSyntaxError) throw new UsageError(`${flag}: ${error.message}`);
      throw error;
    }
  };
  const deny = parse('--disallowed-tools', args.disallowedTools);
  // A bare tool name in the deny list also hides the tool, so the model does not waste turns on it.
  const hidden = new Set(deny.filter((rule) => rule.specifier === null).flatMap((rule) => rule.tools));
  return { allow: parse('--allowed-tools', args.allowedTools), deny, hidden };
}

/**
 * The first SIGINT or SIGTERM cancels the session: the running tool is stopped, the loop ends,
 * the transcript is closed. A second SIGINT exits at once; the transcript is written
 * synchronously event by event, so even then nothing already recorded is lost.
 */
function handleSignals(controller: AbortController): () => void {
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => (): void => {
    if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
    controller.abort(signal);
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}
