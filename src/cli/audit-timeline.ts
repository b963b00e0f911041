/**
 * `ward audit show`: an audit log as a timeline a person can read: when, what, which tool,
 * what policy decided, and the detail that matters for each kind of line (the reason, the exit
 * code and duration, the tokens and cost). Lines are read leniently: a damaged one is shown as
 * such and the rest still appear; whether the log is intact is the verifier's answer, printed
 * after the timeline.
 */
export type AuditLine = { readonly ok: true; readonly record: Readonly<Record<string, unknown>> } | { readonly ok: false; readonly text: string };

export function parseAuditLines(raw: Buffer): AuditLine[] {
  const text = raw.toString('utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => {
    try {
      const json: unknown = JSON.parse(line);
      if (json !== null && typeof json === 'object' && !Array.isArray(json)) return { ok: true, record: json as Record<string, unknown> };
    } catch {
      // shown as damaged below
    }
    return { ok: false, text: line };
  });
}

const HEADER = `${'seq'.padStart(5)}  ${'time'.padEnd(12)}  ${'event'.padEnd(17)}  ${'tool'.padEnd(11)}  ${'decision'.padEnd(8)}  detail`;

export function formatTimeline(lines: readonly AuditLine[]): string[] {
  const out = [HEADER];
  let day = '';
  lines.forEach((line, index) => {
    if (!line.ok) {
      out.push(`${String(index + 1).padStart(5)}  ${'?'.padEnd(12)}  ${'(damaged line)'.padEnd(17)}  ${''.padEnd(11)}  ${''.padEnd(8)}  ${clip(line.text, 80)}`);
      return;
    }
    const record = line.record;
    const ts = str(record.ts);
    if (ts.slice(0, 10) !== day) {
      day = ts.slice(0, 10);
      out.push(`  ── ${day} (UTC)`);
    }
    const seq = typeof record.seq === 'number' ? String(record.seq) : '?';
    const decision = str(record.decision) || (record.approved === true ? 'approved' : record.approved === false ? 'refused' : '');
    out.push(`${seq.padStart(5)}  ${ts.slice(11, 23).padEnd(12)}  ${str(record.event).padEnd(17)}  ${str(record.tool).padEnd(11)}  ${decision.padEnd(8)}  ${detailOf(record)}`.trimEnd());
  });
  return out;
}

function detailOf(record: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  const add = (part: string | false | undefined): void => {
    if (part !== false && part !== undefined && part !== '') parts.push(part);
  };
  switch (record.event) {
    case 'session_started':
      add(`${str(record.provider)} ${str(record.model)}`);
      add(`mode ${str(record.permissionMode)}`);
      add(record.resumed === true && 'resumed');
      add(`policy ${str(record.policyDigest).slice(0, 12)}`);
      add(record.includeContent === true && 'content recorded');
      add(`ward ${str(record.wardVersion)}`);
      break;
    case 'user_message':
      add(`prompt, ${num(record.chars)} chars`);
      break;
    case 'model_request':
      add(`turn ${num(record.turn)}, attempt ${num(record.attempt)}, ${num(record.messageCount)} messages`);
      break;
    case 'assistant_message':
      add(`turn ${num(record.turn)}: ${str(record.stopReason)}, ${num(record.toolCalls)} tool calls, ${num(record.textChars)} chars of text`);
      break;
    case 'usage': {
      const usage = (record.usage ?? {}) as Record<string, unknown>;
      add(`turn ${num(record.turn)}: ${num(usage.inputTokens)} in, ${num(usage.cacheReadTokens)} cache read, ${num(usage.cacheWriteTokens)} cache write, ${num(usage.outputTokens)} out`);
      add(typeof record.costUsd === 'number' ? `$${record.costUsd.toFixed(4)}` : 'cost unknown');
      break;
    }
    case 'retry':
      add(`attempt ${num(record.attempt)} of ${num(record.maxAttempts)} in ${num(record.delayMs)} ms: ${str(record.reason)}`);
      break;
    case 'tool_proposed':
      add(`input sha256 ${str(record.inputDigest).slice(0, 12)}`);
      break;
    case 'tool_decision':
      add(`${str(record.reason)}${record.source === undefined ? '' : ` [${str(record.source)}]`}`);
      break;
    case 'tool_approval':
      add(`by ${str(record.by)}: ${str(record.reason)}`);
      break;
    case 'tool_started':
      add(record.sandbox !== undefined && `sandbox ${str(record.sandbox)}`);
      break;
    case 'tool_finished':
      add(str(record.status));
      add(record.exitCode !== undefined && `exit ${record.exitCode === null ? 'none' : num(record.exitCode)}`);
      add(`${num(record.durationMs)} ms`);
      add(record.sandboxed === true ? 'sandboxed' : record.sandboxed === false ? 'NOT sandboxed' : undefined);
      add(`${num(record.outputChars)} chars out${record.truncated === true ? ' (truncated)' : ''}`);
      break;
    case 'network_decision':
      add(`${record.allowed === true ? 'allowed' : 'refused'} ${str(record.method)} ${str(record.host)}${record.port === null || record.port === undefined ? '' : `:${num(record.port)}`}: ${str(record.reason)}`);
      break;
    case 'warning':
    case 'budget_warning':
    case 'budget_exceeded':
      add(str(record.message));
      break;
    case 'error':
      add(`${record.fatal === true ? 'fatal: ' : ''}${str(record.message)}`);
      break;
    case 'session_ended':
      add(`${str(record.reason)}, exit ${num(record.exitCode)}, ${num(record.turns)} turns, ${num(record.durationMs)} ms`);
      add(typeof record.totalCostUsd === 'number' ? `$${record.totalCostUsd.toFixed(4)}` : undefined);
      break;
    case 'audit_repair':
      add(`${str(record.problem)}${record.bytes === undefined ? '' : `: ${num(record.bytes)} bytes moved to ${str(record.keptAt)}`}`);
      break;
    default:
      break;
  }
  return clip(parts.join(' · '), 160);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
}

function num(value: unknown): string {
  return typeof value === 'number' ? String(value) : '?';
}

function clip(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
