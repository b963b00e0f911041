/**
 * The tools that run processes or reach the network, built together because they share one
 * shell session. The session is handed back too: whoever ends the ward session calls
 * `shell.killAll()`, so no background job outlives ward.
 */
import { createBashKillTool, createBashOutputTool } from './bash-background.ts';
import { createBashTool } from './bash.ts';
import { ShellSession } from './shell-session.ts';
import type { AnyTool, ToolEnvironment } from './types.ts';
import { createWebFetchTool } from './web-fetch.ts';

export interface ProcessTools {
  readonly tools: AnyTool[];
  readonly shell: ShellSession;
}

export function createProcessTools(env: ToolEnvironment): ProcessTools {
  const shell = new ShellSession(env.projectRoot);
  return {
    tools: [createBashTool(env, shell), createBashOutputTool(shell), createBashKillTool(shell), createWebFetchTool(env)],
    shell,
  };
}
