/**
 * web_fetch: GETs one http(s) URL and returns it as readable text. Redirects are followed by
 * hand, one hop at a time, so that every URL the call ends up touching is visible here (and
 * can be put to the policy later); the body read stops at a size cap; binary content is
 * refused rather than dumped into the model's context.
 */
import { z } from 'zod';
import { bodyBudget, capOutput } from './output-cap.ts';
import { htmlToText } from './html-to-text.ts';
import type { ToolContext, ToolDefinition, ToolEnvironment, ToolResult } from './types.ts';

export const WEB_FETCH_MAX_REDIRECTS = 5;
export const WEB_FETCH_MAX_BODY_BYTES = 5 * 1024 * 1024;
export const WEB_FETCH_TIMEOUT_MS = 30_000;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export function webFetchInputSchema(env: ToolEnvironment) {
  return z.object({
    url: z.string().min(1).describe('The http:// or https:// URL to fetch.'),
    max_chars: z
      .number()
      .int()
      .positive()
      .max(env.outputCapChars)
      .optional()
      .describe(`Most characters of page text to return (default and maximum ${env.outputCapChars}). The start and the end of longer pages are kept.`),
  });
}

export type WebFetchInput = z.infer<ReturnType<typeof webFetchInputSchema>>;

const DESCRIPTION = `Fetches a web page or text document with an HTTP GET and returns it as text.

- HTML is converted to readable text: headings as #, lists as -, links as "text (url)", code blocks kept. Scripts, styles and navigation are dropped.
- Plain text, Markdown, JSON, XML and other text formats are returned as they are. Images, PDFs, archives and other binary content are refused.
- Only http and https URLs. Up to ${WEB_FETCH_MAX_REDIRECTS} redirects are followed; the final URL is reported.
- Bodies larger than ${WEB_FETCH_MAX_BODY_BYTES / (1024 * 1024)} MB are cut; long text is cut in the middle (set max_chars to ask for less).`;

type BodyKind = 'html' | 'text' | 'binary' | 'unknown';

function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function classify(type: string): BodyKind {
  if (type === '') return 'unknown';
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  if (type.startsWith('text/')) return 'text';
  if (/^application\/([\w.-]+\+)?(json|xml|yaml|x-yaml|toml|javascript|ecmascript|x-sh|x-ndjson|graphql|sql)$/.test(type)) return 'text';
  if (type === 'application/json-seq' || type === 'image/svg+xml') return 'text';
  return 'binary';
}

/** Decides a missing content type from the first bytes: NUL bytes mean binary. */
function sniff(body: Uint8Array): BodyKind {
  const head = body.subarray(0, 1024);
  if (head.includes(0)) return 'binary';
  const start = new TextDecoder().decode(head).trimStart().slice(0, 15).toLowerCase();
  return start.startsWith('<!doctype html') || start.startsWith('<html') ? 'html' : 'text';
}

function charsetOf(contentType: string | null): string {
  const match = /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType ?? '');
  return match?.[1] ?? 'utf-8';
}

function decode(body: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    // An unknown charset label: UTF-8 is the best guess on today's web.
    return new TextDecoder('utf-8').decode(body);
  }
}

/** Reads at most `limit` bytes of the body, cancelling the rest of the stream. */
async function readBounded(response: Response, limit: number): Promise<{ body: Uint8Array; cut: boolean }> {
  if (response.body === null) return { body: new Uint8Array(0), cut: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let cut = false;
  for (;;) {
    const next: { done: boolean; value?: unknown } = await reader.read();
    if (next.done) break;
    const value = next.value;
    if (!(value instanceof Uint8Array)) throw new TypeError('the response body is not a byte stream');
    chunks.push(value);
    total += value.byteLength;
    if (total > limit) {
      cut = true;
      await reader.cancel();
      break;
    }
  }
  const body = Buffer.concat(chunks);
  return { body: cut ? body.subarray(0, limit) : body, cut };
}

function errorResult(output: string): ToolResult {
  return { output, isError: true };
}

function parseHttpUrl(raw: string, base?: string): URL | string {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return `"${raw}" is not a valid URL. Give a full URL such as https://example.com/page.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `web_fetch only fetches http:// and https:// URLs, not ${url.protocol}//. For local files use the read tool.`;
  }
  return url;
}

function describeFailure(error: unknown, url: URL): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return error.name === 'TimeoutError'
      ? `Fetching ${url.href} timed out after ${WEB_FETCH_TIMEOUT_MS / 1000} s.`
      : `Fetching ${url.href} was cancelled.`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return `Could not fetch ${url.href}: ${cause ?? message}. Check the URL; the host may be unreachable.`;
}

interface Fetched {
  readonly response: Response;
  readonly chain: readonly URL[];
}

/** GET with redirects followed by hand: every hop is an http(s) URL, and at most `maxHops`. */
async function fetchFollowingRedirects(
  fetchImpl: typeof globalThis.fetch,
  start: URL,
  signal: AbortSignal,
  authorize: ToolContext['authorize'],
): Promise<Fetched | string> {
  const chain: URL[] = [start];
  let url = start;
  for (;;) {
    const response = await fetchImpl(url, {
      method: 'GET',
      redirect: 'manual',
      signal,
      headers: {
        accept: 'text/html, text/markdown, text/plain, application/json;q=0.9, */*;q=0.5',
        'user-agent': 'ward-web-fetch',
      },
    });
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return { response, chain };
    await response.body?.cancel();
    if (chain.length > WEB_FETCH_MAX_REDIRECTS) {
      return `Too many redirects: stopped after ${WEB_FETCH_MAX_REDIRECTS} (${chain.map((hop) => hop.href).join(' -> ')} -> ...).`;
    }
    const next = parseHttpUrl(location, url.href);
    if (typeof next === 'string') return `${url.href} redirected to ${location}, which was not followed: ${next}`;
    // Each hop is a new request: it passes the policy like the first one did.
    const verdict = await authorize({ url: next.href });
    if (!verdict.allowed) return `${url.href} redirected to ${next.href}, which was not followed: ${verdict.reason}`;
    chain.push(next);
    url = next;
  }
}

export function createWebFetchTool(env: ToolEnvironment): ToolDefinition<WebFetchInput> {
  return {
    name: 'web_fetch',
    description: DESCRIPTION,
    inputSchema: webFetchInputSchema(env),
    kind: 'network',
    readOnly: true,
    target(input) {
      return { url: input.url };
    },
    async execute(input, context): Promise<ToolResult> {
      const start = parseHttpUrl(input.url);
      if (typeof start === 'string') return errorResult(start);
      const signal = AbortSignal.any([context.signal, AbortSignal.timeout(WEB_FETCH_TIMEOUT_MS)]);
      let fetched: Fetched | string;
      let body: { body: Uint8Array; cut: boolean };
      try {
        fetched = await fetchFollowingRedirects(env.fetch, start, signal, context.authorize);
        if (typeof fetched === 'string') return errorResult(fetched);
        const contentType = fetched.response.headers.get('content-type');
        const declared = classify(mediaType(contentType));
        if (declared === 'binary') {
          await fetched.response.body?.cancel();
          return errorResult(
            `${(fetched.chain.at(-1) ?? start).href} returned ${mediaType(contentType)}, which is binary content; web_fetch only returns text (HTML, plain text, Markdown, JSON, XML).`,
          );
        }
        body = await readBounded(fetched.response, WEB_FETCH_MAX_BODY_BYTES);
      } catch (error) {
        return errorResult(describeFailure(error, start));
      }

      const { response, chain } = fetched;
      const finalUrl = chain.at(-1) ?? start;
      const contentType = response.headers.get('content-type');
      const kind = classify(mediaType(contentType));
      const actual = kind === 'unknown' ? sniff(body.body) : kind;
      if (actual === 'binary') {
        return errorResult(`${finalUrl.href} returned binary content (no content type, NUL bytes in the body); web_fetch only returns text.`);
      }
      const decoded = decode(body.body, charsetOf(contentType));
      const page = actual === 'html' ? htmlToText(decoded, finalUrl.href) : { title: null, text: decoded };
      const capped = capOutput(page.text, Math.min(input.max_chars ?? env.outputCapChars, bodyBudget(env.outputCapChars)));

      const header = [
        `URL: ${finalUrl.href}`,
        ...(chain.length > 1 ? [`Redirected: ${chain.map((hop) => hop.href).join(' -> ')}`] : []),
        `Status: ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}`,
        `Content-Type: ${contentType ?? '(none)'}`,
        ...(page.title !== null && page.title !== '' ? [`Title: ${page.title}`] : []),
        ...(body.cut ? [`Note: the body is larger than ${WEB_FETCH_MAX_BODY_BYTES / (1024 * 1024)} MB; only the first ${WEB_FETCH_MAX_BODY_BYTES / (1024 * 1024)} MB were read.`] : []),
      ];
      const text = capped.text === '' ? '(empty body)' : capped.text;
      return { output: `${header.join('\n')}\n\n${text}`, isError: response.status >= 400 };
    },
  };
}
