/** The names of every built-in tool, known before a session builds its tools (for rule parsing). */
export const BUILTIN_TOOL_NAMES = ['read', 'write', 'edit', 'glob', 'grep', 'todo', 'bash', 'bash_output', 'bash_kill', 'web_fetch'] as const;
