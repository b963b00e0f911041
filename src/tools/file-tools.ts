/** The file tools one session offers, in the order the model sees them. */
import { createEditTool } from './edit.ts';
import { createGlobTool } from './glob.ts';
import { createGrepTool } from './grep.ts';
import { createReadTool } from './read.ts';
import { createTodoTool } from './todo.ts';
import type { AnyTool, ToolEnvironment } from './types.ts';
import { createWriteTool } from './write.ts';

/** Fresh instances per call: the todo tool keeps its list per session. */
export function createFileTools(env: ToolEnvironment): AnyTool[] {
  return [createReadTool(env), createWriteTool(env), createEditTool(env), createGlobTool(env), createGrepTool(env), createTodoTool(env)];
}
