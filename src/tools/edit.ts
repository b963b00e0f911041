/** The `edit` tool: exact string replacement in a text file, answered with a unified diff. */
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.ts';
import { PathChangedError, pinPath } from './pinned-path.ts';
import { displayPath, resolveToolPath } from './paths.ts';
import { describeFileProblem, formatSize, readTextFile } from './text-file.ts';
import type { ToolDefinition, ToolEnvironment, ToolResult } from './types.ts';
import { unifiedDiff } from './unified-diff.ts';

/** The whole file is held in memory (several times) while editing. */
export const EDIT_MAX_BYTES = 10 * 1024 * 1024;

const editInput = z.object({
  path: z.string().min(1).describe('The file to change, absolute or relative to the project root.'),
  old_string: z.string().describe('The exact text to replace, including whitespace and indentation. Must occur exactly once unless replace_all is true.'),
  new_string: z.string().describe('The text to put in its place (must differ from old_string).'),
  replace_all: z.boolean().optional().describe('Replace every occurrence of old_string instead of exactly one. Default false.'),
});

export type EditInput = z.infer<typeof editInput>;

const description = `Edit a text file by exact string replacement, and return a unified diff of the change.
- old_string must match the file exactly (whitespace, indentation, line breaks) and occur exactly once: include enough surrounding lines to make it unique, or set replace_all to change every occurrence (e.g. renaming).
- Read the file first and copy the text from it, without read's line-number prefix.
- Line endings are kept: in a CRLF file, write old_string and new_string with plain \\n.
- To create a file or replace all of it, use write.`;

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- every tool factory takes the environment; this one needs nothing from it.
export function createEditTool(_env: ToolEnvironment): ToolDefinition<EditInput> {
  return {
    name: 'edit',
    inputAliases: { file_path: 'path' },
    description,
    inputSchema: editInput,
    kind: 'edit',
    readOnly: false,
    target(input, projectRoot) {
      return { paths: [resolveToolPath(input.path, projectRoot)] };
    },
    async execute(input, context): Promise<ToolResult> {
      const path = resolveToolPath(input.path, context.projectRoot);
      const shown = displayPath(path, context.projectRoot);
      if (input.old_string === '') {
        return fail('old_string is empty. Give the exact text to replace; to create a file or replace all of it, use write.');
      }
      if (input.old_string === input.new_string) {
        return fail('old_string and new_string are identical, so the edit would change nothing. Give the new text in new_string.');
      }
      let pinned;
      try {
        pinned = await pinPath(path, context.judged(path));
      } catch (error) {
        if (error instanceof PathChangedError) return fail(error.message);
        pinned = { path, close: () => Promise.resolve() };
      }
      const file = await readTextFile(pinned.path, EDIT_MAX_BYTES).finally(() => pinned.close());
      if (!file.ok) {
        const { problem } = file;
        if (problem.kind === 'missing') return fail(`File not found: ${shown}. To create a file use write; to find one use glob.`);
        if (problem.kind === 'too_large') {
          return fail(`${shown} is too large to edit (${formatSize(problem.size)}; the limit is ${formatSize(problem.limit)}). Use bash (sed, a script) for changes to very large files.`);
        }
        if (problem.kind === 'binary') return fail(`${shown} is a binary file (${problem.what}); edit only changes text files.`);
        return fail(describeFileProblem(problem, shown));
      }
      if (!file.validUtf8) {
        return fail(`${shown} is not valid UTF-8; editing it as text would corrupt the bytes that are not. Use bash to change it.`);
      }

      const change = applyEdit(file.text, input.old_string, input.new_string, input.replace_all ?? false);
      if (!change.ok) return fail(change.message(shown));
      context.signal.throwIfAborted();
      try {
        await writeFileAtomic(path, change.written, context.judged(path));
      } catch (error) {
        if (error instanceof PathChangedError) return fail(error.message);
        return fail(`Cannot write ${shown}: ${(error as Error).message}`);
      }
      const diff = unifiedDiff(stripBom(change.before), stripBom(change.after), { oldPath: shown });
      const count = `${change.replacements} replacement${change.replacements === 1 ? '' : 's'}`;
      return { output: `Edited ${shown} (${count}${change.crlf ? ', CRLF line endings kept' : ''}).\n${diff}`, isError: false };
    },
  };
}

function fail(output: string): ToolResult {
  return { output, isError: true };
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

type EditOutcome =
  | {
      readonly ok: true;
      /** The text as compared and diffed (LF-normalised in a CRLF file). */
      readonly before: string;
      readonly after: string;
      /** What goes to disk. */
      readonly written: string;
      readonly replacements: number;
      readonly crlf: boolean;
    }
  | { readonly ok: false; readonly message: (shownPath: string) => string };

/** The replacement, or why it cannot be made. Pure, so the matching rules are easy to follow. */
export function applyEdit(content: string, oldString: string, newString: string, replaceAll: boolean): EditOutcome {
  // A file whose every line ends in \r\n is edited as LF text and converted back, so the model's
  // plain-\n strings match and the file keeps its line endings.
  const crlf = isCrlfFile(content);
  const text = crlf ? content.replaceAll('\r\n', '\n') : content;
  let search = crlf ? oldString.replaceAll('\r\n', '\n') : oldString;
  let replacement = crlf ? newString.replaceAll('\r\n', '\n') : newString;
  let positions = occurrences(text, search);
  if (positions.length === 0 && !crlf && search.includes('\n') && text.includes('\r\n')) {
    // Mixed line endings: the lines the model saw may end in \r\n on disk.
    const asCrlf = search.replace(/\r?\n/g, '\r\n');
    const found = occurrences(text, asCrlf);
    if (found.length > 0) {
      search = asCrlf;
      replacement = replacement.replace(/\r?\n/g, '\r\n');
      positions = found;
    }
  }

  if (positions.length === 0) return { ok: false, message: (shown) => notFoundMessage(text, search, shown) };
  if (positions.length > 1 && !replaceAll) {
    const lines = positions.map((position) => lineNumberAt(text, position));
    const listed = lines.length > 20 ? `${lines.slice(0, 20).join(', ')}, …` : lines.join(', ');
    return {
      ok: false,
      message: (shown) =>
        `old_string occurs ${positions.length} times in ${shown} (at lines ${listed}). Include more surrounding lines in old_string so it matches exactly one place, or set replace_all to true to replace every occurrence.`,
    };
  }

  const after = replaceAll ? text.split(search).join(replacement) : spliceAt(text, positions[0] ?? 0, search.length, replacement);
  if (after === text) {
    return { ok: false, message: () => 'The replacement leaves the file unchanged (old_string and new_string differ only in line endings).' };
  }
  return { ok: true, before: text, after, written: crlf ? after.replaceAll('\n', '\r\n') : after, replacements: positions.length, crlf };
}

function isCrlfFile(text: string): boolean {
  let lf = 0;
  let crlf = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    lf++;
    if (i > 0 && text.charCodeAt(i - 1) === 0x0d) crlf++;
  }
  return lf > 0 && crlf === lf;
}

function occurrences(text: string, search: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(search); i !== -1; i = text.indexOf(search, i + search.length)) found.push(i);
  return found;
}

function spliceAt(text: string, at: number, length: number, replacement: string): string {
  return text.slice(0, at) + replacement + text.slice(at + length);
}

function lineNumberAt(text: string, position: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function notFoundMessage(text: string, search: string, shown: string): string {
  const parts = [`old_string was not found in ${shown}. It must match the file exactly, including whitespace, indentation (tabs vs spaces) and line breaks.`];
  if (/^\s*\d+\t/m.test(search)) {
    parts.push("It looks like it includes read's line-number prefix (digits and a tab): leave that out.");
  }
  const loose = looseMatchLine(text, search);
  if (loose !== undefined) {
    parts.push(`Text matching it apart from whitespace starts at line ${loose}: read that part of the file again and copy it exactly.`);
  } else {
    parts.push('Read the file again and copy the text to replace from it.');
  }
  return parts.join(' ');
}

/** The first line where the search text's lines occur with different whitespace, if any. */
function looseMatchLine(text: string, search: string): number | undefined {
  const normalise = (line: string): string => line.trim().replace(/\s+/g, ' ');
  const wanted = search.split('\n').map(normalise);
  while (wanted.length > 0 && wanted[0] === '') wanted.shift();
  while (wanted.length > 0 && wanted.at(-1) === '') wanted.pop();
  if (wanted.length === 0) return undefined;
  const lines = text.split('\n').map(normalise);
  for (let start = 0; start + wanted.length <= lines.length; start++) {
    let k = 0;
    while (k < wanted.length && (lines[start + k] ?? '').includes(wanted[k] ?? '') && (k === 0 || k === wanted.length - 1 || lines[start + k] === wanted[k])) k++;
    if (k === wanted.length) return start + 1;
  }
  return undefined;
}
