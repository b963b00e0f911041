/** The `glob` tool: find files by name pattern, newest first. */
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { GlobSyntaxError } from './glob-pattern.ts';
import { displayPath, resolveToolPath } from './paths.ts';
import { buildScope, listScopeFiles, type SearchScope } from './search-scope.ts';
import { inspectPath } from './text-file.ts';
import type { ToolDefinition, ToolEnvironment, ToolResult } from './types.ts';

export const GLOB_MAX_RESULTS = 1000;

const globInput = z.object({
  pattern: z.string().min(1).describe('Glob pattern, e.g. "**/*.ts", "src/**/*.{ts,tsx}", "*.md", "test/[a-c]*.ts".'),
  path: z.string().min(1).optional().describe('Folder to search in, absolute or relative to the project root. Default: the project root.'),
});

export type GlobInput = z.infer<typeof globInput>;

const description = `Find files by name with a glob pattern. Use it to locate files before reading them.
- A pattern without "/" matches file names at any depth ("*.ts" finds every .ts file); a pattern with "/" is matched against the path relative to \`path\` ("src/*.ts" only directly in src, "src/**/*.ts" at any depth below src).
- Supports **, *, ?, {a,b} and [a-z] / [!a] classes.
- Honours .gitignore files; skips .git and node_modules unless the pattern names them; includes hidden files.
- Returns matching file paths (relative to the project root), most recently modified first, at most ${GLOB_MAX_RESULTS}. To search file contents use grep.`;

export function createGlobTool(env: ToolEnvironment): ToolDefinition<GlobInput> {
  return {
    name: 'glob',
    description,
    inputSchema: globInput,
    kind: 'read',
    readOnly: true,
    target(input, projectRoot) {
      const folder = resolveToolPath(input.path ?? '.', projectRoot);
      try {
        return { paths: [buildScope(folder, input.pattern).dir] };
      } catch {
        return { paths: [folder] };
      }
    },
    async execute(input, context): Promise<ToolResult> {
      const folder = resolveToolPath(input.path ?? '.', context.projectRoot);
      const shownFolder = displayPath(folder, context.projectRoot);
      const info = await inspectPath(folder);
      if (info.kind === 'missing') return fail(`Folder not found: ${shownFolder}. Check the path, or omit it to search the whole project.`);
      if (info.kind === 'file') return fail(`${shownFolder} is a file, not a folder. Use read to read it, or pass its folder as path.`);
      if (info.kind !== 'directory') return fail(`Cannot search ${shownFolder}: it is not a readable folder.`);

      let scope: SearchScope;
      try {
        scope = buildScope(folder, input.pattern);
      } catch (error) {
        if (error instanceof GlobSyntaxError) return fail(`${error.message}. Fix the pattern and try again.`);
        throw error;
      }
      const none = `No files match "${input.pattern}" in ${shownFolder === '.' ? 'the project root' : shownFolder}.`;
      if ((await inspectPath(scope.dir)).kind !== 'directory') return { output: none, isError: false };

      const files: { path: string; mtimeMs: number }[] = [];
      let withheld = 0;
      for await (const file of listScopeFiles(env, scope, context.signal)) {
        if (context.readable(file.path)) files.push({ path: file.path, mtimeMs: 0 });
        else withheld++;
      }
      const withheldNote = withheld === 0 ? '' : `\n[${withheld} matching file${withheld === 1 ? '' : 's'} withheld by the permission policy.]`;
      await fillModificationTimes(files, context.signal);
      if (files.length === 0) return { output: none + withheldNote, isError: false };
      files.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      return { output: formatList(files.map((file) => displayPath(file.path, context.projectRoot)), env.outputCapChars) + withheldNote, isError: false };
    },
  };
}

function fail(output: string): ToolResult {
  return { output, isError: true };
}

async function fillModificationTimes(files: { path: string; mtimeMs: number }[], signal: AbortSignal): Promise<void> {
  const batch = 64;
  for (let start = 0; start < files.length; start += batch) {
    signal.throwIfAborted();
    await Promise.all(
      files.slice(start, start + batch).map(async (file) => {
        // A file deleted since it was listed sorts last rather than failing the call.
        file.mtimeMs = await stat(file.path).then((info) => info.mtimeMs, () => 0);
      }),
    );
  }
}

function formatList(paths: readonly string[], capChars: number): string {
  const lines: string[] = [];
  let chars = 0;
  const budget = Math.max(1000, capChars - 300);
  for (const path of paths) {
    if (lines.length >= GLOB_MAX_RESULTS || chars + path.length + 1 > budget) break;
    lines.push(path);
    chars += path.length + 1;
  }
  const left = paths.length - lines.length;
  if (left > 0) {
    lines.push(`[${paths.length} files match; showing the ${lines.length} most recently modified, ${left} more not shown. Use a more specific pattern or path to see them.]`);
  }
  return lines.join('\n');
}
