/**
 * grep without ripgrep: the same file walk as glob (.gitignore honoured, `.git` and
 * `node_modules` skipped), JavaScript regular expressions tested line by line, files read one
 * at a time. Binary files (a NUL byte) are skipped as ripgrep skips them; files over the size
 * limit are skipped and named, so memory stays bounded by one file.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { walkFiles, type WalkedFile } from './file-walk.ts';
import type { GrepSink } from './grep-output.ts';
import { GREP_MAX_FILE_BYTES, GrepPatternError, type GrepRequest } from './grep-request.ts';
import { displayPath } from './paths.ts';
import { scopeAccepts } from './search-scope.ts';
import { formatSize } from './text-file.ts';

/** Compiles the pattern as ripgrep reads it, as far as JavaScript can: line by line, with a
 *  leading `(?i)` understood, and Unicode-aware when the pattern allows it. */
export function compileLineRegex(pattern: string, caseInsensitive: boolean): RegExp {
  let source = pattern;
  let ignoreCase = caseInsensitive;
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    ignoreCase = true;
  }
  const flags = ignoreCase ? 'i' : '';
  try {
    return new RegExp(source, `${flags}u`);
  } catch {
    // Unicode mode rejects escapes like \- that plain mode (and ripgrep) accept.
    try {
      return new RegExp(source, flags);
    } catch (error) {
      throw new GrepPatternError(`Invalid regular expression "${pattern}": ${(error as Error).message}`);
    }
  }
}

export interface FallbackReport {
  readonly binarySkipped: number;
  readonly largeSkipped: readonly string[];
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

export async function grepWithFallback(request: GrepRequest, sink: GrepSink, signal: AbortSignal, projectRoot: string): Promise<FallbackReport> {
  const regex = compileLineRegex(request.pattern, request.caseInsensitive);
  let binarySkipped = 0;
  const largeSkipped: string[] = [];
  const files: AsyncIterable<WalkedFile> | WalkedFile[] =
    request.file !== null
      ? [{ path: join(request.dir, request.file), rel: request.file }]
      : walkFiles({ root: request.dir, skipNames: request.scope?.skipNames ?? new Set(), signal });

  for await (const file of files) {
    signal.throwIfAborted();
    if (request.scope !== null && !scopeAccepts(request.scope, file.rel)) continue;
    let bytes: Buffer;
    try {
      const info = await stat(file.path);
      if (info.size > GREP_MAX_FILE_BYTES) {
        largeSkipped.push(`${displayPath(file.path, projectRoot)} (${formatSize(info.size)})`);
        continue;
      }
      bytes = await readFile(file.path);
    } catch {
      continue;
    }
    if (bytes.includes(0)) {
      binarySkipped++;
      continue;
    }
    searchText(utf8.decode(bytes), file.path, regex, request, sink);
  }
  return { binarySkipped, largeSkipped };
}

function searchText(text: string, path: string, regex: RegExp, request: GrepRequest, sink: GrepSink): void {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const matches: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = stripCr(lines[i] ?? '');
    if (regex.test(line)) {
      matches.push(i);
      if (request.mode === 'files_with_matches') break;
    }
  }
  if (matches.length === 0) return;
  sink.beginFile(path);
  const context = request.mode === 'content' ? request.context : 0;
  let next = 0;
  for (let m = 0; m < matches.length; m++) {
    const index = matches[m] ?? 0;
    const nextMatch = matches[m + 1] ?? lines.length;
    // Context before this match that the previous match's after-context did not already cover.
    for (let k = Math.max(next, index - context); k < index; k++) sink.line(k + 1, stripCr(lines[k] ?? ''), false);
    sink.line(index + 1, stripCr(lines[index] ?? ''), true);
    const afterEnd = Math.min(nextMatch, index + 1 + context);
    for (let k = index + 1; k < afterEnd; k++) sink.line(k + 1, stripCr(lines[k] ?? ''), false);
    next = Math.max(index + 1, afterEnd);
  }
  sink.endFile();
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
