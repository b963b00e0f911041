/**
 * `--output-format text`: a readable trace of the session on stderr (each tool call, its
 * permission decision with the reason, its result, token usage) and the model's final answer
 * alone on stdout, so `ward -p … > answer.txt` captures just the answer.
 */
import type { WardEvent } from '../../events/schema.ts';
import type { Write } from './json-output.ts';

export interface TextRendererOptions {
  readonly trace: Write;
  readonly answer: Write;
  readonly quiet: boolean;
  readonly color: boolean;
}

const MAX_RESULT_LINES = 8;

export function textRenderer(options: TextRendererOptions): (event: WardEvent) => void {
  const paint = (code: string, text: string): string => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const dim = (text: string): string => paint('2', text);
  const trace = (line: string): void => {
    if (!options.quiet) options.trace(`${line}\n`);
  };
  let sessionId = '';
  const pending = new Map<string, string[]>();
  let todos: string[] | null = null;

  return (event) => {
    switch (event.type) {
      case 'session_started':
        sessionId = event.sessionId;
        trace(dim(`ward ${event.wardVersion} · ${event.provider} ${event.model} at ${event.baseUrl} · mode ${event.permissionMode} · session ${event.sessionId}${event.resumed ? ' (resumed)' : ''}`));
        break;
      case 'assistant_message': {
        const hasCalls = event.content.some((block) => block.type === 'tool_use');
        const text = event.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('').trim();
        // The final answer goes to stdout at the end; narration between tool calls is trace.
        if (hasCalls && text !== '') trace(`\n${clean(text)}`);
        break;
      }
      // A call's lines are held until it finishes, so parallel calls print as whole blocks.
      case 'tool_proposed':
        pending.set(event.callId, [`\n${paint('1', '●')} ${paint('1', event.tool)} ${describeInput(event.tool, event.input)}`]);
        break;
      case 'tool_decision': {
        const mark = event.decision === 'allow' ? paint('32', 'allow') : event.decision === 'deny' ? paint('31', 'deny') : paint('33', 'ask');
        pending.get(event.callId)?.push(`  ${mark}: ${clean(event.reason)} ${dim(`[${clean(event.source)}]`)}`);
        break;
      }
      case 'tool_started':
        if (event.sandbox !== undefined) pending.get(event.callId)?.push(dim(`  runs ${event.sandbox === 'none' ? 'unsandboxed, on this machine' : `in the sandbox (${event.sandbox})`}`));
        break;
      case 'tool_approval':
        pending.get(event.callId)?.push(`  ${event.approved ? paint('32', 'approved') : paint('31', 'not approved')}: ${clean(event.reason)}`);
        break;
      case 'tool_finished':
        for (const line of pending.get(event.callId) ?? []) trace(line);
        pending.delete(event.callId);
        if (event.tool === 'todo' && event.status === 'ok' && todos !== null) {
          trace(`  ⎿ task list`);
          for (const line of todos) trace(clean(line));
          todos = null;
        } else {
          trace(formatResult(event.status, event.output, event.durationMs, dim));
        }
        break;
      case 'todos_updated':
        // Shown as the todo call's result, when its block prints.
        todos = event.todos.map((todo) => `    ${todo.status === 'completed' ? '[x]' : todo.status === 'in_progress' ? '[~]' : '[ ]'} ${todo.content}`);
        break;
      case 'usage': {
        const u = event.usage;
        const cost = event.costUsd === null ? 'cost unknown for this model' : `$${event.costUsd.toFixed(4)}`;
        const context =
          event.contextTokens === undefined || event.contextWindow === undefined || event.contextWindow === null
            ? ''
            : ` · context ${Math.round((100 * event.contextTokens) / event.contextWindow)}% of ${event.contextWindow}`;
        trace(dim(`  tokens: ${u.inputTokens} in, ${u.cacheReadTokens} cache read, ${u.cacheWriteTokens} cache write, ${u.outputTokens} out · ${cost}${context}`));
        break;
      }
      case 'memory_loaded':
        trace(dim(`memory: ${event.files.map((file) => `${clean(file.path)} (${file.bytes} B)`).join(', ')} · ${event.totalBytes} B in all`));
        break;
      case 'compaction':
        trace(
          paint(
            '36',
            event.replacedMessages > 0
              ? `context compacted: ${event.replacedMessages} messages replaced by a summary, ~${event.tokensBefore} -> ~${event.tokensAfter} tokens`
              : `context trimmed: ${event.trimmedOutputs} old tool outputs shortened, ~${event.tokensBefore} -> ~${event.tokensAfter} tokens`,
          ),
        );
        break;
      case 'retry':
        trace(paint('33', `  retrying (attempt ${event.attempt} of ${event.maxAttempts}) in ${Math.round(event.delayMs)} ms: ${event.reason}`));
        break;
      case 'network_decision':
        trace(`  ${event.allowed ? paint('32', 'network allowed') : paint('31', 'network refused')}: ${event.method} ${clean(event.host ?? '?')}${event.port === null ? '' : `:${event.port}`} ${dim(`(${clean(event.reason)})`)}`);
        break;
      case 'warning':
      case 'budget_warning':
        trace(paint('33', `warning: ${clean(event.message)}`));
        break;
      case 'error':
        options.trace(`${paint('31', `ward: ${clean(event.message)}`)}\n${event.hint === undefined ? '' : `  ${clean(event.hint)}\n`}`);
        break;
      case 'session_ended': {
        const u = event.totalUsage;
        const cost = event.totalCostUsd === null ? 'cost unknown (model not in the price table)' : `$${event.totalCostUsd.toFixed(4)}`;
        trace(
          dim(
            `\n${event.reason} after ${event.turns} turns in ${(event.durationMs / 1000).toFixed(1)} s · tokens: ${u.inputTokens} in, ${u.cacheReadTokens} cache read, ${u.cacheWriteTokens} cache write, ${u.outputTokens} out · ${cost}\n` +
              `session ${sessionId}: resume with ward --resume ${sessionId} -p "..."`,
          ),
        );
        if (event.reason === 'completed' && event.result !== '') options.answer(`${clean(event.result)}\n`);
        else if (event.reason === 'max_turns' || event.reason === 'cancelled' || event.reason === 'budget') options.trace(`ward: ${clean(event.result)}\n`);
        break;
      }
      default:
        break;
    }
  };
}

function describeInput(tool: string, input: unknown): string {
  if (input === null || typeof input !== 'object') return '';
  const fields = input as Record<string, unknown>;
  const pick = (key: string): string | null => (typeof fields[key] === 'string' ? fields[key] : null);
  const main = tool === 'bash' ? pick('command') : (pick('path') ?? pick('pattern') ?? pick('url') ?? pick('job_id'));
  const text = main ?? JSON.stringify(input);
  return oneLine(text, 160);
}

/** Short results whole; long ones as their first and last lines, where errors usually are. */
function formatResult(status: string, output: string, durationMs: number, dim: (text: string) => string): string {
  const lines = output.split('\n');
  while (lines.length > 0 && lines.at(-1)?.trim() === '') lines.pop();
  while (lines.length > 0 && lines[0]?.trim() === '') lines.shift();
  const indent = (line: string): string => `    ${oneLine(line, 200)}`;
  let shown: string[];
  if (lines.length <= MAX_RESULT_LINES + 2) {
    shown = lines.map(indent);
  } else {
    const half = MAX_RESULT_LINES / 2;
    const omitted = lines.length - MAX_RESULT_LINES;
    shown = [...lines.slice(0, half).map(indent), dim(`    … ${omitted} more line${omitted === 1 ? '' : 's'} …`), ...lines.slice(-half).map(indent)];
  }
  const head = `  ⎿ ${status} ${dim(`(${durationMs < 10 ? durationMs.toFixed(1) : Math.round(durationMs)} ms)`)}`;
  return [head, ...shown].join('\n');
}

/**
 * Text from the model or from commands may carry terminal control sequences (set the window
 * title, move the cursor, rewrite earlier lines). They are shown, escaped, never obeyed.
 */
export function clean(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function oneLine(text: string, max: number): string {
  const flat = clean(text).replace(/\s*\n\s*/g, ' ⏎ ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
