/**
 * grep through ripgrep: `rg --json`, each line parsed with zod, fed to the shared output sink.
 * Sorted by path so the results are the same on every run and match the fallback's order.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { GrepRequest } from './grep-request.ts';
import { GrepPatternError, GREP_MAX_FILE_BYTES } from './grep-request.ts';
import type { GrepSink } from './grep-output.ts';
import { ripgrepRelative, spawnRipgrep } from './ripgrep.ts';
import { ripgrepWalkArgs, scopeAccepts } from './search-scope.ts';
import { decodeUtf8 } from './text-file.ts';
import type { ToolEnvironment } from './types.ts';

/** ripgrep writes text as `text`, or as base64 `bytes` when it is not valid UTF-8. */
const rgData = z.union([z.object({ text: z.string() }), z.object({ bytes: z.string() })]);

const rgLineMessage = z.object({
  type: z.enum(['match', 'context']),
  data: z.object({
    path: rgData,
    lines: rgData,
    line_number: z.number().int().nullable(),
  }),
});

const rgMessageType = z.object({ type: z.string() });

function dataText(data: z.infer<typeof rgData>): string {
  return 'text' in data ? data.text : decodeUtf8(Buffer.from(data.bytes, 'base64')).text;
}

export type RipgrepOutcome =
  /** ripgrep could not be started: the caller falls back to JavaScript. */
  | { readonly started: false }
  /** `warning`: what ripgrep reported about files it could not search, if anything. */
  | { readonly started: true; readonly warning: string | null };

export async function grepWithRipgrep(env: ToolEnvironment, ripgrepPath: string, request: GrepRequest, sink: GrepSink, signal: AbortSignal): Promise<RipgrepOutcome> {
  const args = ['--json', '--sort', 'path', '--crlf', '--max-filesize', String(GREP_MAX_FILE_BYTES)];
  args.push(request.caseInsensitive ? '--ignore-case' : '--case-sensitive');
  if (request.mode === 'files_with_matches') args.push('--max-count', '1');
  if (request.mode === 'content' && request.context > 0) args.push('--context', String(request.context));
  if (request.scope !== null) args.push(...ripgrepWalkArgs(request.scope));
  args.push('--regexp', request.pattern, '--', request.file === null ? '.' : request.file);

  const rg = spawnRipgrep(env, ripgrepPath, args, request.dir, signal);
  let current: string | null = null;
  let skipping = false;
  const endCurrent = (): void => {
    if (current !== null && !skipping) sink.endFile();
    current = null;
  };
  try {
    for await (const raw of rg.lines) {
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        continue;
      }
      const kind = rgMessageType.safeParse(json);
      if (!kind.success) continue;
      if (kind.data.type === 'end') endCurrent();
      const parsed = rgLineMessage.safeParse(json);
      if (!parsed.success) continue;
      const { data } = parsed.data;
      const rel = ripgrepRelative(dataText(data.path));
      if (rel !== current) {
        endCurrent();
        current = rel;
        skipping = request.scope !== null && !scopeAccepts(request.scope, rel);
        if (!skipping) sink.beginFile(resolve(request.dir, rel));
      }
      if (skipping) continue;
      sink.line(data.line_number ?? 0, dataText(data.lines).replace(/\r?\n$/, ''), parsed.data.type === 'match');
    }
    endCurrent();
  } finally {
    rg.stop();
  }
  const exit = await rg.exit;
  signal.throwIfAborted();
  if (exit.spawnError !== undefined) return { started: false };
  // 0: matches, 1: none, 2: an error (a bad pattern, or unreadable files next to real results).
  if (exit.code === 2 && /regex parse error|error parsing regex/i.test(exit.stderr)) {
    throw new GrepPatternError(`Invalid regular expression "${request.pattern}":\n${exit.stderr.trim()}`);
  }
  const firstError = exit.stderr.trim().split('\n')[0] ?? '';
  return { started: true, warning: exit.code === 2 && firstError !== '' ? firstError : null };
}
