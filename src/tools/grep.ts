/** The `grep` tool: search file contents with a regular expression. */
import { basename, dirname } from 'node:path';
import { z } from 'zod';
import { grepWithFallback } from './grep-fallback.ts';
import { GrepOutput, type GrepSink } from './grep-output.ts';
import { GREP_MAX_FILE_BYTES, GrepPatternError, type GrepRequest } from './grep-request.ts';
import { grepWithRipgrep } from './grep-ripgrep.ts';
import { GlobSyntaxError } from './glob-pattern.ts';
import { displayPath, resolveToolPath } from './paths.ts';
import { buildScope, type SearchScope } from './search-scope.ts';
import { formatSize, inspectPath, sniffFile } from './text-file.ts';
import type { ToolDefinition, ToolEnvironment, ToolResult } from './types.ts';

export const GREP_DEFAULT_MAX_RESULTS = 250;

const grepInput = z.object({
  pattern: z.string().min(1).describe('Regular expression to search for (ripgrep / JavaScript syntax), e.g. "function\\s+load", "TODO|FIXME". Escape regex characters to match them literally: "\\(".'),
  path: z.string().min(1).optional().describe('File or folder to search, absolute or relative to the project root. Default: the project root.'),
  glob: z.string().min(1).optional().describe('Only search files matching this glob, e.g. "*.ts", "*.{ts,tsx}", "src/**/*.py" (ignored when path is a file).'),
  case_insensitive: z.boolean().optional().describe('Match regardless of case. Default false.'),
  output_mode: z
    .enum(['content', 'files_with_matches', 'count'])
    .optional()
    .describe('"files_with_matches" (default): paths of files that match; "content": matching lines as path:line:text; "count": matching lines per file.'),
  context: z.number().int().min(0).max(50).optional().describe('Lines of context before and after each match (content mode only). Default 0.'),
  max_results: z.number().int().min(1).max(10_000).optional().describe(`Maximum matching lines (content mode) or files (other modes) to return. Default ${GREP_DEFAULT_MAX_RESULTS}.`),
});

export type GrepInput = z.infer<typeof grepInput>;

const description = `Search file contents with a regular expression (ripgrep syntax; one line at a time). Use it to find where something is defined or used.
- Searches the project root by default, or a given file or folder; narrow with glob (a glob without "/" matches file names at any depth).
- Honours .gitignore; skips .git, node_modules, binary files and files over ${formatSize(GREP_MAX_FILE_BYTES)}.
- output_mode "files_with_matches" (default) lists matching files; "content" shows matching lines as path:line:text (context lines as path-line-text, groups separated by --); "count" gives matches per file.
- Results are sorted by path and capped by max_results (default ${GREP_DEFAULT_MAX_RESULTS}); the output says what was left out.`;

export function createGrepTool(env: ToolEnvironment): ToolDefinition<GrepInput> {
  return {
    name: 'grep',
    description,
    inputSchema: grepInput,
    kind: 'read',
    readOnly: true,
    target(input, projectRoot) {
      const searched = resolveToolPath(input.path ?? '.', projectRoot);
      if (input.glob === undefined) return { paths: [searched] };
      // A glob's literal folders can lead elsewhere ("../other/*.ts", "/etc/*"): the policy must see where.
      try {
        const dir = buildScope(searched, input.glob).dir;
        return { paths: dir === searched ? [searched] : [searched, dir] };
      } catch {
        return { paths: [searched] };
      }
    },
    async execute(input, context): Promise<ToolResult> {
      const target = resolveToolPath(input.path ?? '.', context.projectRoot);
      const shown = displayPath(target, context.projectRoot);
      const info = await inspectPath(target);
      if (info.kind === 'missing') return fail(`Path not found: ${shown}. Use glob to find files, or omit path to search the whole project.`);
      if (info.kind === 'special' || info.kind === 'unreadable') return fail(`Cannot search ${shown}: it is not a readable file or folder.`);

      const mode = input.output_mode ?? 'files_with_matches';
      let request: GrepRequest;
      if (info.kind === 'file') {
        if (info.size > GREP_MAX_FILE_BYTES) {
          return fail(`${shown} is ${formatSize(info.size)}, over grep's ${formatSize(GREP_MAX_FILE_BYTES)} limit. Read parts of it with read (offset and limit), or search it with bash.`);
        }
        const sniff = info.size === 0 ? { binary: false as const } : await sniffFile(target, info.size).catch((error: unknown) => error as Error);
        if (sniff instanceof Error) return fail(`Cannot read ${shown}: ${sniff.message}`);
        if (sniff.binary) return fail(`${shown} is a binary file (${sniff.what}); grep searches text files only.`);
        request = baseRequest(input, mode, dirname(target), basename(target), null);
      } else {
        let scope: SearchScope;
        try {
          scope = buildScope(target, input.glob);
        } catch (error) {
          if (error instanceof GlobSyntaxError) return fail(`${error.message}. Fix the glob and try again.`);
          throw error;
        }
        request = baseRequest(input, mode, scope.dir, null, scope);
      }

      const where = `${shown === '.' ? 'the project root' : shown}${input.glob !== undefined && info.kind === 'directory' ? ` (files matching "${input.glob}")` : ''}`;
      const empty = `No matches for /${input.pattern}/ in ${where}.`;
      if (request.scope !== null && (await inspectPath(request.dir)).kind !== 'directory') return { output: empty, isError: false };

      const notes: string[] = [];
      const makeOutput = (): GrepOutput =>
        new GrepOutput({
          mode,
          context: request.context,
          maxResults: input.max_results ?? GREP_DEFAULT_MAX_RESULTS,
          charBudget: Math.max(2000, env.outputCapChars - 600),
          show: (path) => displayPath(path, context.projectRoot),
        });
      let output = makeOutput();
      let sink = new PolicyFilter(output, context.readable);
      try {
        let done = false;
        if (env.ripgrepPath !== null) {
          const outcome = await grepWithRipgrep(env, env.ripgrepPath, request, sink, context.signal);
          done = outcome.started;
          if (outcome.started && outcome.warning !== null) notes.push(`[ripgrep reported: ${outcome.warning}]`);
          // ripgrep would not start; nothing reached the output, so start it afresh.
          if (!done) {
            output = makeOutput();
            sink = new PolicyFilter(output, context.readable);
          }
        }
        if (!done) {
          const report = await grepWithFallback(request, sink, context.signal, context.projectRoot);
          if (report.largeSkipped.length > 0) {
            const listed = report.largeSkipped.slice(0, 10).join(', ');
            const more = report.largeSkipped.length > 10 ? ` and ${report.largeSkipped.length - 10} more` : '';
            notes.push(`[Not searched, over ${formatSize(GREP_MAX_FILE_BYTES)}: ${listed}${more}. Use read with offset/limit or bash for these.]`);
          }
          if (report.binarySkipped > 0) notes.push(`[Skipped ${report.binarySkipped} binary file${report.binarySkipped === 1 ? '' : 's'}.]`);
        }
      } catch (error) {
        if (error instanceof GrepPatternError) return fail(`${error.message}\nFix the pattern (escape special characters such as ( [ { . * + ? with a backslash to match them literally) and try again.`);
        throw error;
      }
      if (sink.withheld > 0) notes.push(`[${sink.withheld} matching file${sink.withheld === 1 ? '' : 's'} withheld by the permission policy (credentials, .env files or deny rules).]`);
      return { output: output.finish(empty, notes), isError: false };
    },
  };
}

function baseRequest(input: GrepInput, mode: GrepRequest['mode'], dir: string, file: string | null, scope: SearchScope | null): GrepRequest {
  return {
    pattern: input.pattern,
    caseInsensitive: input.case_insensitive ?? false,
    mode,
    context: mode === 'content' ? (input.context ?? 0) : 0,
    dir,
    file,
    scope,
  };
}

/** Passes on only the files the policy lets the model read, and counts the others. */
class PolicyFilter implements GrepSink {
  readonly #inner: GrepSink;
  readonly #readable: (path: string) => boolean;
  #skipping = false;
  withheld = 0;

  constructor(inner: GrepSink, readable: (path: string) => boolean) {
    this.#inner = inner;
    this.#readable = readable;
  }

  beginFile(path: string): void {
    this.#skipping = !this.#readable(path);
    if (this.#skipping) this.withheld++;
    else this.#inner.beginFile(path);
  }

  line(number: number, text: string, isMatch: boolean): void {
    if (!this.#skipping) this.#inner.line(number, text, isMatch);
  }

  endFile(): void {
    if (!this.#skipping) this.#inner.endFile();
    this.#skipping = false;
  }
}

function fail(output: string): ToolResult {
  return { output, isError: true };
}
