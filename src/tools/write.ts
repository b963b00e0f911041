/** The `write` tool: create or replace a whole file, atomically. */
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.ts';
import { PathChangedError } from './pinned-path.ts';
import { displayPath, resolveToolPath } from './paths.ts';
import { inspectPath } from './text-file.ts';
import type { ToolDefinition, ToolEnvironment, ToolResult } from './types.ts';

const writeInput = z.object({
  path: z.string().min(1).describe('The file to write, absolute or relative to the project root.'),
  content: z.string().describe('The complete new content of the file.'),
});

export type WriteInput = z.infer<typeof writeInput>;

const description = `Write a file: creates it (and any missing parent folders) or replaces its entire content.
- For changing part of an existing file, prefer edit: it is safer and shows a diff.
- The write is atomic: the file is never left half-written, and an existing file keeps its permissions.
- Returns whether the file was created or overwritten, with its line and byte counts.`;

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- every tool factory takes the environment; this one needs nothing from it.
export function createWriteTool(_env: ToolEnvironment): ToolDefinition<WriteInput> {
  return {
    name: 'write',
    inputAliases: { file_path: 'path' },
    description,
    inputSchema: writeInput,
    kind: 'edit',
    readOnly: false,
    target(input, projectRoot) {
      return { paths: [resolveToolPath(input.path, projectRoot)] };
    },
    async execute(input, context): Promise<ToolResult> {
      const path = resolveToolPath(input.path, context.projectRoot);
      const shown = displayPath(path, context.projectRoot);
      const info = await inspectPath(path);
      if (info.kind === 'directory') return fail(`${shown} is a directory; give the path of a file to write.`);
      if (info.kind === 'special') return fail(`${shown} is not a regular file (a device, socket or pipe); refusing to write it.`);
      context.signal.throwIfAborted();
      let created: boolean;
      try {
        ({ created } = await writeFileAtomic(path, input.content, context.judged(path)));
      } catch (error) {
        if (error instanceof PathChangedError) return fail(error.message);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTDIR' || code === 'EEXIST') {
          return fail(`Cannot write ${shown}: part of its parent path is a file, not a folder.`);
        }
        return fail(`Cannot write ${shown}: ${(error as Error).message}`);
      }
      const bytes = Buffer.byteLength(input.content, 'utf8');
      const lines = countLines(input.content);
      const what = created ? 'Created' : 'Overwrote';
      return { output: `${what} ${shown} (${lines} line${lines === 1 ? '' : 's'}, ${bytes} byte${bytes === 1 ? '' : 's'}).`, isError: false };
    },
  };
}

function fail(output: string): ToolResult {
  return { output, isError: true };
}

export function countLines(text: string): number {
  if (text === '') return 0;
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return text.endsWith('\n') ? count : count + 1;
}
