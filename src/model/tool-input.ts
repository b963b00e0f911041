/**
 * Tool-call arguments arrive as JSON text assembled from stream pieces. Parsing never
 * throws: JSON that does not parse (or is not an object) becomes `input: {}` plus an
 * `inputError`, so the loop can send the model a tool error instead of crashing the turn.
 */

export function parseToolInput(json: string, fallback?: unknown): { input: unknown; inputError?: string } {
  if (json.trim().length === 0) {
    // No argument text at all: the tool takes no arguments (or the server sent them whole).
    return { input: isRecord(fallback) ? fallback : {} };
  }
  try {
    const input: unknown = JSON.parse(json);
    if (!isRecord(input)) {
      return { input: {}, inputError: `tool arguments must be a JSON object, got ${describeJson(input)}: ${truncate(json)}` };
    }
    return { input };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { input: {}, inputError: `tool arguments are not valid JSON (${reason}): ${truncate(json)}` };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function truncate(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
