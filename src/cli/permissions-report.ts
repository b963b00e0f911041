/**
 * The text of `ward permissions` (the effective rules and where each came from) and of
 * `ward permissions check 'Tool(specifier)'` (the decision a hypothetical call would get).
 */
import { resolve } from 'node:path';
import { EXIT } from '../agent/exit-codes.ts';
import { describeOrigin } from '../policy/settings/layers.ts';
import { parseRule, RuleSyntaxError } from '../policy/rules.ts';
import { hostRunner } from '../sandbox/host.ts';
import { createFileTools } from '../tools/file-tools.ts';
import { createProcessTools } from '../tools/process-tools.ts';
import type { AnyTool, CallTarget } from '../tools/types.ts';
import { BUILTIN_TOOL_NAMES } from '../tools/tool-names.ts';
import type { PolicySetup } from './policy-setup.ts';
import { UsageError } from './usage-error.ts';
import { createReadLedger } from '../tools/read-ledger.ts';

type Out = (line?: string) => void;

export function printPermissions(setup: PolicySetup, projectRoot: string, out: Out): void {
  const { effective, sandboxStatus } = setup;
  out(`ward permissions for ${projectRoot}`);
  out();
  out(`mode:    ${effective.mode}${effective.modeOrigin === null ? ' (the default)' : ` (from ${describeOrigin(effective.modeOrigin)})`}`);
  out(
    `sandbox: ${
      sandboxStatus.state === 'on'
        ? `on (${sandboxStatus.backend})`
        : sandboxStatus.state === 'off'
          ? `off, turned off in ${sandboxStatus.by}`
          : `unavailable: ${sandboxStatus.reason}. ${sandboxStatus.fix}`
    }`,
  );
  out(`network: ${effective.sandbox.allowedDomains.length === 0 ? 'none (no domains allowed)' : effective.sandbox.allowedDomains.join(', ')}`);
  out();
  out('rules (deny beats ask beats allow, across every layer):');
  const rows = [
    ...effective.deny.map((entry) => ['deny', entry] as const),
    ...effective.ask.map((entry) => ['ask', entry] as const),
    ...effective.allow.map((entry) => ['allow', entry] as const),
  ];
  if (rows.length === 0) out('  (none: the mode decides)');
  const width = Math.max(0, ...rows.map(([, entry]) => entry.rule.text.length));
  for (const [kind, entry] of rows) out(`  ${kind.padEnd(5)}  ${entry.rule.text.padEnd(width)}  ${describeOrigin(entry.origin)}`);
  out();
  out('settings files (highest first; flags rank between managed and project-local):');
  for (const file of effective.files) out(`  ${file.layer.padEnd(13)}  ${file.path}${file.present ? '' : '  (absent)'}`);
  if (effective.untrusted !== null) {
    out();
    out(`not trusted, so ignored: ${effective.untrusted.widening.join('; ')}`);
    out('  review .ward/settings.json and .ward/settings.local.json, then run: ward trust');
  }
  for (const warning of effective.warnings) if (effective.untrusted === null) out(`warning: ${warning}`);
  out();
  out('built in: credentials (~/.ssh, ~/.aws, ~/.gnupg, ~/.config/gh, ~/.netrc, ~/.docker/config.json, ~/.kube, …), .env files and');
  out("ward's own state are never read without an explicit allow rule; files that make other programs run code");
  out('(.git/hooks, .git/config, CI workflows, editor tasks, shell rc files, install scripts) and ward\'s settings');
  out('always ask before they are written, in every mode but bypass.');
}

/** `ward permissions check 'bash(git push origin main)'`. */
export async function printCheck(call: string, setup: PolicySetup, projectRoot: string, out: Out): Promise<number> {
  let rule;
  try {
    rule = parseRule(call, new Set<string>(BUILTIN_TOOL_NAMES));
  } catch (error) {
    if (error instanceof RuleSyntaxError) throw new UsageError(error.message, `example: ward permissions check 'bash(git push origin main)'`);
    throw error;
  }
  const toolName = rule.tools[0] ?? '';
  const tool = sessionTools(projectRoot).find((candidate) => candidate.name === toolName);
  if (tool === undefined) throw new UsageError(`cannot check calls of ${toolName}`);
  const target = hypotheticalTarget(tool, rule.specifier, projectRoot);
  const policy = await setup.policy;
  const decision = policy.decide({ tool: tool.name, kind: tool.kind, target });
  out(`${call}: ${decision.decision}`);
  out(`  reason:     ${decision.reason}`);
  out(`  decided by: ${decision.source}`);
  if (decision.decision === 'ask') out('  headless (-p): denied, since nobody can approve it');
  if (tool.name === 'bash') out(`  runs:       ${setup.sandboxStatus.state === 'on' ? `inside the sandbox (${setup.sandboxStatus.backend})` : 'on this machine, unsandboxed'}`);
  return EXIT.success;
}

function hypotheticalTarget(tool: AnyTool, specifier: string | null, projectRoot: string): CallTarget {
  if (specifier === null) return {};
  switch (tool.kind) {
    case 'execute':
      return { command: specifier, cwd: projectRoot };
    case 'network':
      return { url: specifier.startsWith('domain:') ? `https://${specifier.slice('domain:'.length)}/` : specifier };
    default:
      return { paths: [resolve(projectRoot, specifier)] };
  }
}

function sessionTools(projectRoot: string): AnyTool[] {
  const env = {
    projectRoot,
    sandbox: hostRunner,
    childEnv: {},
    commandTimeoutMs: 1,
    maxCommandTimeoutMs: 1,
    outputCapChars: 1,
    ripgrepPath: null,
    fetch: globalThis.fetch,
    readLedger: createReadLedger(),
  };
  return [...createFileTools(env), ...createProcessTools(env).tools];
}
