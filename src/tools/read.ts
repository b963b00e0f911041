/** The `read` tool: numbered lines of a text file, any size, by line window. */
import { basename } from 'node:path';
import { z } from 'zod';
import { type LineWindow, numberedLine, readLineWindow } from './line-window.ts';
import { displayPath, resolveToolPath } from './paths.ts';
import { describeFileProblem, formatSize, inspectPath, sniffFile } from './text-file.ts';
import { PathChangedError, pinPath } from './pinned-path.ts';
import type { ToolContext, ToolDefinition, ToolEnvironment, ToolResult } from './types.ts';

export const READ_DEFAULT_LIMIT = 2000;
export const READ_MAX_LINE_CHARS = 2000;

const readInput = z.object({
  path: z.string().min(1).describe('The file to read, absolute or relative to the project root.'),
  offset: z.number().int().min(1).optional().describe('1-based line number to start reading from. Default 1.'),
  limit: z.number().int().min(1).optional().describe(`Maximum number of lines to return. Default ${READ_DEFAULT_LIMIT}.`),
});

export type ReadInput = z.infer<typeof readInput>;

const description = `Read a text file. Returns its lines numbered: line number, a tab, the text.
- Reads up to ${READ_DEFAULT_LIMIT} lines from the start by default; use offset and limit for other parts. Large files work: only the requested lines are read.
- Says when more lines follow and which offset continues. Lines over ${READ_MAX_LINE_CHARS} characters are cut.
- Text files only: binary files are refused. Use glob to find files and grep to search their contents; a folder cannot be read.
- The line-number prefix is not part of the file: never copy it into edit's old_string.
- Reading again a file that has not changed since you read it in this conversation returns a short note instead of the same lines: the earlier output is still current.`;

export function createReadTool(env: ToolEnvironment): ToolDefinition<ReadInput> {
  return {
    name: 'read',
    inputAliases: { file_path: 'path' },
    description,
    inputSchema: readInput,
    kind: 'read',
    readOnly: true,
    target(input, projectRoot) {
      return { paths: [resolveToolPath(input.path, projectRoot)] };
    },
    async execute(input, context): Promise<ToolResult> {
      const asked = resolveToolPath(input.path, context.projectRoot);
      const shown = displayPath(asked, context.projectRoot);
      let pinned;
      try {
        pinned = await pinPath(asked, context.judged(asked));
      } catch (error) {
        if (error instanceof PathChangedError) return fail(error.message);
        // Missing or unreadable: the checks below say which, in the usual words.
        pinned = { path: asked, close: () => Promise.resolve() };
      }
      try {
        return await readPinned(env, pinned.path, asked, shown, input, context);
      } finally {
        await pinned.close();
      }
    },
  };

}

/** Reads through `path`, which reaches exactly the file the policy judged (see pinned-path.ts). */
async function readPinned(env: ToolEnvironment, path: string, asked: string, shown: string, input: ReadInput, context: ToolContext): Promise<ToolResult> {
  const info = await inspectPath(path);
  if (info.kind === 'missing') {
    return fail(`File not found: ${shown}. Use glob (for example pattern "**/${basename(asked)}") to find it.`);
  }
  if (info.kind === 'directory') {
    return fail(`${shown} is a directory, not a file. Use glob (for example pattern "*" with path "${shown}") to list its files.`);
  }
  if (info.kind !== 'file') return fail(describeFileProblem(info, shown));
  if (info.size === 0) return { output: `[${shown} is empty (0 bytes).]`, isError: false };

  const sniff = await sniffFile(path, info.size).catch((error: unknown) => error as Error);
  if (sniff instanceof Error) return fail(`Cannot read ${shown}: ${sniff.message}`);
  if (sniff.binary) {
    return fail(`${shown} is a binary file (${sniff.what}, ${formatSize(info.size)}); read shows text files only.`);
  }

  const offset = input.offset ?? 1;
  const limit = input.limit ?? READ_DEFAULT_LIMIT;
  let window: LineWindow;
  try {
    window = await readLineWindow(path, {
      offset,
      limit,
      maxLineChars: READ_MAX_LINE_CHARS,
      charBudget: Math.max(4000, env.outputCapChars - 600),
      signal: context.signal,
    });
  } catch (error) {
    if (context.signal.aborted) throw error;
    return fail(`Cannot read ${shown}: ${(error as Error).message}`);
  }
  if (window.lines.length === 0) {
    const total = window.totalLines ?? 0;
    return fail(`${shown} has ${total} line${total === 1 ? '' : 's'}; offset ${offset} is past the end. Use an offset from 1 to ${Math.max(1, total)}.`);
  }
  const output = formatWindow(window, offset, env.outputCapChars);
  if (env.readLedger.seenBefore(asked, offset, limit, output)) {
    const first = window.lines[0]?.number ?? offset;
    const last = window.lines.at(-1)?.number ?? offset;
    return { output: `[${shown} lines ${first}-${last} are unchanged since you last read them in this conversation; that output is still current.]`, isError: false };
  }
  return { output, isError: false };
}

function fail(output: string): ToolResult {
  return { output, isError: true };
}

function formatWindow(window: LineWindow, offset: number, capChars: number): string {
  const out = window.lines.map(numberedLine);
  const first = window.lines[0]?.number ?? offset;
  const last = window.lines.at(-1)?.number ?? offset;
  const notes: string[] = [];
  if (!window.atEnd) {
    const why = window.stoppedByBudget ? ` (output limit of ${capChars} characters reached)` : '';
    const of =
      window.totalLines === null
        ? `; the file continues (${formatSize(window.bytesAfter)} more)`
        : ` of ${window.totalLines} (${window.totalLines - last} more)`;
    notes.push(`[Showing lines ${first}-${last}${of}${why}. Call read with offset=${last + 1} to continue.]`);
  } else if (offset > 1) {
    notes.push(`[End of file: line ${last} is the last line.]`);
  }
  const cut = window.lines.filter((line) => line.truncated).map((line) => line.number);
  if (cut.length > 0) {
    const list = cut.length > 10 ? `${cut.slice(0, 10).join(', ')} and ${cut.length - 10} more` : cut.join(', ');
    notes.push(`[Line${cut.length === 1 ? '' : 's'} ${list} ${cut.length === 1 ? 'was' : 'were'} longer than ${READ_MAX_LINE_CHARS} characters and cut; use grep to find text within long lines.]`);
  }
  if (window.invalidUtf8) notes.push('[This file is not valid UTF-8: invalid bytes are shown as \uFFFD.]');
  if (window.crlf) notes.push('[The file has CRLF (\\r\\n) line endings; the \\r is not shown. edit keeps them.]');
  return notes.length === 0 ? out.join('\n') : `${out.join('\n')}\n\n${notes.join('\n')}`;
}
