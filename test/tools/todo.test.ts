import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTodoTool } from '../../src/tools/todo.ts';
import { createTestEnvironment, runTool } from './env.ts';

const root = '/nonexistent-project';

test('replaces the list, returns a checklist and the todos for the user', async () => {
  const tool = createTodoTool(createTestEnvironment(root));
  const todos = [
    { content: 'Read the parser', status: 'completed' },
    { content: 'Fix the off-by-one', status: 'in_progress' },
    { content: 'Add a test', status: 'pending' },
  ];
  const result = await runTool(tool, { todos }, root);
  assert.equal(result.isError, false);
  assert.equal(result.output, ['Task list updated (1/3 completed):', '[x] Read the parser', '[>] Fix the off-by-one (in progress)', '[ ] Add a test'].join('\n'));
  assert.deepEqual(result.todos, todos);

  const next = await runTool(tool, { todos: [{ content: 'Add a test', status: 'in_progress' }] }, root);
  assert.deepEqual(next.todos, [{ content: 'Add a test', status: 'in_progress' }]);
});

test('more than one task in progress is an error naming them, and the list is unchanged', async () => {
  const tool = createTodoTool(createTestEnvironment(root));
  await runTool(tool, { todos: [{ content: 'one', status: 'pending' }] }, root);
  const result = await runTool(tool, { todos: [{ content: 'a', status: 'in_progress' }, { content: 'b', status: 'in_progress' }] }, root);
  assert.equal(result.isError, true);
  assert.match(result.output, /2 tasks are in_progress \("a", "b"\); at most one may be/);
  assert.equal(result.todos, undefined);
});

test('blank content is refused; an empty list clears', async () => {
  const tool = createTodoTool(createTestEnvironment(root));
  const blank = await runTool(tool, { todos: [{ content: '   ', status: 'pending' }] }, root);
  assert.equal(blank.isError, true);
  assert.match(blank.output, /Task 1 has no content/);
  const cleared = await runTool(tool, { todos: [] }, root);
  assert.deepEqual(cleared, { output: 'Task list cleared.', isError: false, todos: [] });
});

test('an invalid status is rejected by the schema', () => {
  const tool = createTodoTool(createTestEnvironment(root));
  assert.equal(tool.inputSchema.safeParse({ todos: [{ content: 'x', status: 'done' }] }).success, false);
});

test('each tool instance keeps its own list; it is internal, read-only and touches no path', async () => {
  const a = createTodoTool(createTestEnvironment(root));
  const b = createTodoTool(createTestEnvironment(root));
  await runTool(a, { todos: [{ content: 'only in a', status: 'pending' }] }, root);
  const fromB = await runTool(b, { todos: [{ content: 'only in b', status: 'pending' }] }, root);
  assert.deepEqual(fromB.todos, [{ content: 'only in b', status: 'pending' }]);
  assert.equal(a.kind, 'internal');
  assert.equal(a.readOnly, true);
  assert.deepEqual(a.target({ todos: [] }, root), {});
});
