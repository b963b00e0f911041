/** The `todo` tool: the session's task list, replaced whole on every call. */
import { z } from 'zod';
import type { Todo, ToolDefinition, ToolEnvironment, ToolResult } from './types.ts';

const todoInput = z.object({
  todos: z
    .array(
      z.object({
        content: z.string().min(1).describe('The task, short and specific.'),
        status: z.enum(['pending', 'in_progress', 'completed']).describe('At most one task may be in_progress.'),
      }),
    )
    .max(100)
    .describe('The complete task list; it replaces the previous one.'),
});

export type TodoInput = z.infer<typeof todoInput>;

const description = `Keep a task list for multi-step work, shown to the user. Each call replaces the whole list.
- Use it for tasks with three or more steps: write the steps, mark one in_progress before starting it, mark it completed as soon as it is done.
- At most one task may be in_progress at a time. Send an empty list to clear it.
- Returns the list as a checklist. It touches no files.`;

const marks: Record<Todo['status'], string> = { completed: '[x]', in_progress: '[>]', pending: '[ ]' };

/** Each session creates its own instance, so the list is per session. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- every tool factory takes the environment; this one needs nothing from it.
export function createTodoTool(_env: ToolEnvironment): ToolDefinition<TodoInput> {
  let current: readonly Todo[] = [];
  return {
    name: 'todo',
    description,
    inputSchema: todoInput,
    kind: 'internal',
    readOnly: true,
    target() {
      return {};
    },
    execute(input): Promise<ToolResult> {
      const todos = input.todos.map((todo) => ({ content: todo.content.trim(), status: todo.status }));
      const blank = todos.findIndex((todo) => todo.content === '');
      if (blank !== -1) return Promise.resolve(fail(`Task ${blank + 1} has no content. Describe every task.`));
      const active = todos.filter((todo) => todo.status === 'in_progress');
      if (active.length > 1) {
        return Promise.resolve(
          fail(`${active.length} tasks are in_progress (${active.map((todo) => `"${todo.content}"`).join(', ')}); at most one may be. Mark the others pending or completed and send the list again.`),
        );
      }
      current = todos;
      return Promise.resolve({ output: checklist(current), isError: false, todos: current });
    },
  };
}

function fail(output: string): ToolResult {
  return { output, isError: true };
}

function checklist(todos: readonly Todo[]): string {
  if (todos.length === 0) return 'Task list cleared.';
  const done = todos.filter((todo) => todo.status === 'completed').length;
  const lines = todos.map((todo) => `${marks[todo.status]} ${todo.content}${todo.status === 'in_progress' ? ' (in progress)' : ''}`);
  return [`Task list updated (${done}/${todos.length} completed):`, ...lines].join('\n');
}
