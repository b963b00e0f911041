import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebFetchTool, WEB_FETCH_MAX_BODY_BYTES } from '../../src/tools/web-fetch.ts';
import type { ToolResult } from '../../src/tools/types.ts';
import { createTestEnvironment, toolContext } from './env.ts';

let bigBodyBytesSent = 0;

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname;
  if (path === '/page') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<html><head><title>Loopback page</title><script>alert("x")</script></head><body><nav>Menu</nav><h1>Hello</h1><p>Go to <a href="/next">the next page</a>.</p></body></html>');
  } else if (path.startsWith('/hop/')) {
    // /hop/N redirects to /hop/N-1; /hop/0 is the destination.
    const remaining = Number(path.slice('/hop/'.length));
    if (remaining === 0) {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('arrived');
    } else {
      response.writeHead(302, { location: `/hop/${remaining - 1}` });
      response.end();
    }
  } else if (path === '/to-file') {
    response.writeHead(301, { location: 'file:///etc/passwd' });
    response.end();
  } else if (path === '/big') {
    response.writeHead(200, { 'content-type': 'text/plain' });
    const line = 'y'.repeat(1023) + '\n';
    const chunk = line.repeat(64);
    const write = (): void => {
      // Stop after 20 MB in case the client never stops reading.
      while (bigBodyBytesSent < 20 * 1024 * 1024) {
        bigBodyBytesSent += chunk.length;
        if (!response.write(chunk)) {
          response.once('drain', write);
          return;
        }
      }
      response.end();
    };
    response.on('error', () => undefined);
    write();
  } else if (path === '/image.png') {
    response.writeHead(200, { 'content-type': 'image/png' });
    response.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]));
  } else if (path === '/untyped-binary') {
    response.removeHeader('content-type');
    response.writeHead(200);
    response.end(Buffer.from([1, 2, 0, 0, 3, 4]));
  } else if (path === '/data.json') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"name":"ward","tags":["<b>not html</b>"]}');
  } else if (path === '/notes.md') {
    response.writeHead(200, { 'content-type': 'text/markdown' });
    response.end('# Notes\n\n- keep *markdown* as is\n');
  } else {
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end(`nothing at ${path}`);
  }
});

let base = '';

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function fetchUrl(url: string, extra: { max_chars?: number } = {}): Promise<ToolResult> {
  const env = createTestEnvironment('/nonexistent-project');
  const tool = createWebFetchTool(env);
  return tool.execute(tool.inputSchema.parse({ url, ...extra }), toolContext(env.projectRoot));
}

test('HTML is converted to text, with title, status and absolute links', async () => {
  const result = await fetchUrl(`${base}/page`);
  assert.equal(result.isError, false, result.output);
  assert.match(result.output, new RegExp(`^URL: ${base}/page\nStatus: 200 OK\nContent-Type: text/html; charset=utf-8\nTitle: Loopback page\n\n`));
  assert.ok(result.output.endsWith(`# Hello\n\nGo to the next page (${base}/next).`), result.output);
  assert.doesNotMatch(result.output, /alert|Menu/);
});

test('redirects are followed, up to five, and the chain is reported', async () => {
  const result = await fetchUrl(`${base}/hop/5`);
  assert.equal(result.isError, false, result.output);
  assert.match(result.output, new RegExp(`^URL: ${base}/hop/0\n`));
  assert.match(result.output, new RegExp(`Redirected: ${base}/hop/5 -> ${base}/hop/4 -> .* -> ${base}/hop/0`));
  assert.ok(result.output.endsWith('\n\narrived'));
});

test('a sixth redirect is not followed', async () => {
  const result = await fetchUrl(`${base}/hop/6`);
  assert.equal(result.isError, true);
  assert.match(result.output, /Too many redirects: stopped after 5/);
  assert.doesNotMatch(result.output, /arrived/);
});

test('a redirect to a non-http scheme is not followed', async () => {
  const result = await fetchUrl(`${base}/to-file`);
  assert.equal(result.isError, true);
  assert.match(result.output, /redirected to file:\/\/\/etc\/passwd, which was not followed/);
});

test('non-http URLs and malformed URLs are rejected before anything is fetched', async () => {
  const file = await fetchUrl('file:///etc/passwd');
  assert.equal(file.isError, true);
  assert.match(file.output, /only fetches http:\/\/ and https:\/\/ URLs, not file:/);
  assert.doesNotMatch(file.output, /root:/);
  const ftp = await fetchUrl('ftp://127.0.0.1/x');
  assert.match(ftp.output, /not ftp:/);
  const junk = await fetchUrl('not a url');
  assert.equal(junk.isError, true);
  assert.match(junk.output, /is not a valid URL/);
});

test('a body past the size cap is cut and the result says so', async () => {
  const result = await fetchUrl(`${base}/big`, { max_chars: 2000 });
  assert.equal(result.isError, false);
  assert.match(result.output, new RegExp(`only the first ${WEB_FETCH_MAX_BODY_BYTES / (1024 * 1024)} MB were read`));
  assert.match(result.output, /characters \(\d+ lines\) omitted/);
  assert.ok(result.output.length < 3000);
  // The client stopped reading: the server never got to write the whole 20 MB it had.
  assert.ok(bigBodyBytesSent < 20 * 1024 * 1024, `server wrote ${bigBodyBytesSent} bytes`);
});

test('binary content types are refused with a clear message', async () => {
  const png = await fetchUrl(`${base}/image.png`);
  assert.equal(png.isError, true);
  assert.match(png.output, /returned image\/png, which is binary content/);
  const untyped = await fetchUrl(`${base}/untyped-binary`);
  assert.equal(untyped.isError, true);
  assert.match(untyped.output, /binary content/);
});

test('JSON and Markdown pass through unchanged', async () => {
  const json = await fetchUrl(`${base}/data.json`);
  assert.ok(json.output.endsWith('\n\n{"name":"ward","tags":["<b>not html</b>"]}'), json.output);
  const markdown = await fetchUrl(`${base}/notes.md`);
  assert.ok(markdown.output.endsWith('\n\n# Notes\n\n- keep *markdown* as is\n'), markdown.output);
});

test('an HTTP error status is an error result that still shows the body', async () => {
  const result = await fetchUrl(`${base}/missing`);
  assert.equal(result.isError, true);
  assert.match(result.output, /Status: 404 Not Found/);
  assert.match(result.output, /nothing at \/missing/);
});

test('an unreachable host is an error result, not an exception', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const result = await fetchUrl(`http://127.0.0.1:${port}/`);
  assert.equal(result.isError, true);
  assert.match(result.output, /Could not fetch http:\/\/127\.0\.0\.1:\d+\/: .*ECONNREFUSED/);
});

test('the policy target is the URL as given', () => {
  const tool = createWebFetchTool(createTestEnvironment('/p'));
  assert.deepEqual(tool.target({ url: 'https://example.com/a' }, '/p'), { url: 'https://example.com/a' });
});

test('regression: every redirect hop is put to the policy, and a refused hop is not fetched', async () => {
  const env = createTestEnvironment('/nonexistent-project');
  const tool = createWebFetchTool(env);
  const asked: string[] = [];
  const refuseHop2: Parameters<typeof toolContext>[2] = ({ url }) => {
    asked.push(url ?? '');
    return Promise.resolve(url?.endsWith('/hop/2') === true ? { allowed: false, reason: 'not an allowed domain' } : { allowed: true, reason: 'ok' });
  };
  const result = await tool.execute(tool.inputSchema.parse({ url: `${base}/hop/4` }), toolContext(env.projectRoot, undefined, refuseHop2));
  assert.equal(result.isError, true);
  assert.match(result.output, /redirected to .*\/hop\/2, which was not followed: not an allowed domain/);
  assert.doesNotMatch(result.output, /arrived/);
  assert.deepEqual(asked, [`${base}/hop/3`, `${base}/hop/2`]);
});
