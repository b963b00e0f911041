/**
 * Permission rules as written by users: `Tool` or `Tool(specifier)`, e.g. `bash(npm test)`,
 * `bash(git diff:*)`, `read(src/**)`, `edit(docs/**)`, `web_fetch(domain:nodejs.org)`.
 * Tool names match case-insensitively, and the names other agents use are accepted as aliases
 * (`Bash`, `WebFetch`, `TodoWrite`), so rules read naturally and carry over.
 */

export interface Rule {
  /** As the user wrote it, for reasons shown to people. */
  readonly text: string;
  /** Canonical tool names this rule covers. */
  readonly tools: readonly string[];
  readonly specifier: string | null;
}

export class RuleSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleSyntaxError';
  }
}

/** Alias (lower-cased) -> canonical tool names. `edit` covers every tool that writes files. */
const TOOL_ALIASES: Readonly<Record<string, readonly string[]>> = {
  bash: ['bash'],
  read: ['read'],
  write: ['write'],
  edit: ['edit', 'write'],
  multiedit: ['edit'],
  glob: ['glob'],
  grep: ['grep'],
  webfetch: ['web_fetch'],
  web_fetch: ['web_fetch'],
  todo: ['todo'],
  todowrite: ['todo'],
  bash_output: ['bash_output'],
  bashoutput: ['bash_output'],
  bash_kill: ['bash_kill'],
  killshell: ['bash_kill'],
};

const RULE_PATTERN = /^([A-Za-z_][A-Za-z0-9_-]*)(?:\((.*)\))?$/s;

export function parseRule(text: string, knownTools: ReadonlySet<string>): Rule {
  const trimmed = text.trim();
  const match = RULE_PATTERN.exec(trimmed);
  if (!match) {
    throw new RuleSyntaxError(`"${text}" is not a rule: write a tool name, or a tool name with a specifier in parentheses, e.g. bash(npm test) or read(src/**)`);
  }
  const written = match[1] ?? '';
  const name = written.toLowerCase();
  const specifier = match[2] === undefined ? null : match[2].trim();
  // Tools of MCP servers (mcp__server__tool) are named by their servers and may not be
  // connected yet; they keep their exact spelling.
  const mcp = /^mcp__[A-Za-z0-9_-]+(__[A-Za-z0-9_-]+)?$/.test(written) ? [written] : null;
  const tools = TOOL_ALIASES[name] ?? (knownTools.has(name) ? [name] : mcp);
  if (tools === null) {
    throw new RuleSyntaxError(`"${text}" names an unknown tool "${match[1] ?? ''}"; known tools: ${[...knownTools].sort().join(', ')}`);
  }
  if (specifier === '') {
    throw new RuleSyntaxError(`"${text}" has empty parentheses: drop them to match every ${name} call, or put a specifier inside`);
  }
  return { text: trimmed, tools, specifier };
}

/** Splits a flag value like "read,grep bash(npm test)" into rule texts, keeping parentheses whole. */
export function splitRuleList(value: string): string[] {
  const rules: string[] = [];
  let current = '';
  let depth = 0;
  for (const char of value) {
    if (char === '(') depth++;
    if (char === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && (char === ',' || char === ' ' || char === '\n')) {
      if (current.trim() !== '') rules.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  if (current.trim() !== '') rules.push(current.trim());
  return rules;
}
