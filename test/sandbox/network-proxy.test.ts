/**
 * ward's filtering proxy, with a real HTTP server on 127.0.0.1 as "the internet" and raw
 * requests on the proxy's unix socket, so what is tested is exactly the bytes a client sends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainAllowlistError } from '../../src/sandbox/domain-allowlist.ts';
import { startNetworkProxy } from '../../src/sandbox/network-proxy.ts';
import type { NetworkDecision, NetworkProxyOptions } from '../../src/sandbox/network-proxy.ts';

interface Internet {
  readonly port: number;
  readonly requests: { url: string; headers: IncomingHttpHeaders }[];
  close(): void;
}

/** A loopback HTTP server standing in for the internet; it records every request it gets. */
async function startInternet(): Promise<Internet> {
  const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((request, response) => {
    requests.push({ url: request.url ?? '', headers: request.headers });
    response.end(`internet says hello to ${request.headers.host ?? '?'}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return { port: address.port, requests, close: () => server.close() };
}

async function setup(t: { after: (fn: () => Promise<void> | void) => void }, options: Partial<NetworkProxyOptions> = {}) {
  const folder = realpathSync(await mkdtemp(join(tmpdir(), 'ward-proxy-test-')));
  const internet = await startInternet();
  const decisions: NetworkDecision[] = [];
  const proxy = await startNetworkProxy({
    allowedDomains: ['localhost'],
    listen: { socketPath: join(folder, 'proxy.sock') },
    onDecision: (decision) => decisions.push(decision),
    ...options,
  });
  t.after(async () => {
    await proxy.close();
    internet.close();
    await rm(folder, { recursive: true, force: true });
  });
  const socketPath = join(folder, 'proxy.sock');
  return { internet, decisions, proxy, socketPath };
}

/** Sends raw bytes to the proxy, then (for a tunnel) more bytes once it answered; returns all it got. */
function exchange(socketPath: string, request: string, throughTunnel?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let received = '';
    let tunnelled = false;
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer; got so far: ${received}`)));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (throughTunnel !== undefined && !tunnelled && received.includes('\r\n\r\n')) {
        tunnelled = true;
        if (received.startsWith('HTTP/1.1 200')) socket.write(throughTunnel);
        else socket.end();
      }
    });
    socket.on('end', () => resolve(received));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    socket.write(request);
  });
}

test('CONNECT to an allowed host opens a working tunnel, and the decision says which entry allowed it', async (t) => {
  const { internet, decisions, socketPath } = await setup(t);
  const answer = await exchange(socketPath, `CONNECT localhost:${internet.port} HTTP/1.1\r\nHost: localhost:${internet.port}\r\n\r\n`, `GET /tunnelled HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
  assert.match(answer, /^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK/);
  assert.match(answer, /internet says hello to localhost/);
  assert.deepEqual(internet.requests.map((request) => request.url), ['/tunnelled']);
  assert.deepEqual(decisions, [{ method: 'CONNECT', target: `localhost:${internet.port}`, host: 'localhost', port: internet.port, allowed: true, reason: 'allowed by "localhost"' }]);
});

test('a plain HTTP request to an allowed host is forwarded, with the Host header the checked URL names', async (t) => {
  const { internet, decisions, socketPath } = await setup(t);
  const answer = await exchange(socketPath, `GET http://localhost:${internet.port}/page?q=1 HTTP/1.1\r\nHost: evil.com\r\nProxy-Authorization: Basic c2VjcmV0\r\nConnection: close\r\n\r\n`);
  assert.match(answer, /^HTTP\/1\.1 200 OK/);
  assert.equal(internet.requests.length, 1);
  assert.equal(internet.requests[0]?.url, '/page?q=1');
  assert.equal(internet.requests[0]?.headers.host, `localhost:${internet.port}`);
  assert.equal(internet.requests[0]?.headers['proxy-authorization'], undefined);
  assert.equal(decisions[0]?.allowed, true);
});

test('hosts that are not listed, or do not validate, are refused and the internet receives nothing', async (t) => {
  const { internet, decisions, socketPath } = await setup(t);
  const port = internet.port;
  const refused = [
    `CONNECT 127.0.0.1:${port} HTTP/1.1\r\n\r\n`,
    `CONNECT localhost.evil.com:${port} HTTP/1.1\r\n\r\n`,
    `CONNECT evil.com%00.localhost:${port} HTTP/1.1\r\n\r\n`,
    `CONNECT 127.1:${port} HTTP/1.1\r\n\r\n`,
    `CONNECT localhost HTTP/1.1\r\n\r\n`,
    `CONNECT localhost:0 HTTP/1.1\r\n\r\n`,
    `CONNECT localhost:${port}@evil.com:443 HTTP/1.1\r\n\r\n`,
    `GET http://127.0.0.1:${port}/ HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    `GET http://evil.com%00.localhost:${port}/ HTTP/1.1\r\n\r\n`,
    `GET http://user:pw@localhost:${port}/ HTTP/1.1\r\n\r\n`,
    `GET / HTTP/1.1\r\nHost: localhost:${port}\r\n\r\n`,
    `GET ftp://localhost:${port}/ HTTP/1.1\r\n\r\n`,
  ];
  for (const request of refused) {
    const answer = await exchange(socketPath, request);
    assert.match(answer, /^HTTP\/1\.1 (400|403|501)/, `${JSON.stringify(request)} got: ${answer}`);
  }
  // Bytes the HTTP parser itself rejects never reach a decision, and never go anywhere.
  const nul = await exchange(socketPath, `CONNECT evil.com\0.localhost:${port} HTTP/1.1\r\n\r\n`);
  assert.match(nul, /^HTTP\/1\.1 400/);
  assert.equal(internet.requests.length, 0);
  assert.equal(decisions.length, refused.length);
  assert.ok(decisions.every((decision) => !decision.allowed), JSON.stringify(decisions));
  assert.match(decisions[0]?.reason ?? '', /127\.0\.0\.1 is not in the network allowlist/);
});

test('a name allowed only as a subdomain may not reach an internal address; an exactly listed one may', async (t) => {
  const resolve = (host: string): Promise<readonly string[]> => Promise.resolve(host.endsWith('allowed.test') ? ['127.0.0.1'] : []);
  const { internet, decisions, socketPath } = await setup(t, { allowedDomains: ['allowed.test'], resolve });
  const viaSubdomain = await exchange(socketPath, `CONNECT metadata.allowed.test:${internet.port} HTTP/1.1\r\n\r\n`);
  assert.match(viaSubdomain, /^HTTP\/1\.1 403/);
  assert.match(decisions[0]?.reason ?? '', /internal address/);
  const exact = await exchange(socketPath, `GET http://allowed.test:${internet.port}/ok HTTP/1.1\r\nConnection: close\r\n\r\n`);
  assert.match(exact, /^HTTP\/1\.1 200/);
  assert.deepEqual(internet.requests.map((request) => request.url), ['/ok']);
});

test('an empty allowlist refuses everything', async (t) => {
  const { internet, decisions, socketPath } = await setup(t, { allowedDomains: [] });
  const answer = await exchange(socketPath, `CONNECT localhost:${internet.port} HTTP/1.1\r\n\r\n`);
  assert.match(answer, /^HTTP\/1\.1 403/);
  assert.equal(internet.requests.length, 0);
  assert.equal(decisions[0]?.reason, 'the network allowlist is empty');
});

test('an invalid allowlist entry stops the proxy from starting', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'ward-proxy-test-'));
  try {
    await assert.rejects(startNetworkProxy({ allowedDomains: ['*'], listen: { socketPath: join(folder, 'p.sock') } }), DomainAllowlistError);
    assert.equal(existsSync(join(folder, 'p.sock')), false);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('closing the proxy ends open tunnels and removes its socket', async (t) => {
  const { internet, proxy, socketPath } = await setup(t);
  const tunnel = connect(socketPath);
  const closed = new Promise<void>((resolve) => tunnel.on('close', () => resolve()));
  tunnel.on('error', () => undefined);
  tunnel.write(`CONNECT localhost:${internet.port} HTTP/1.1\r\n\r\n`);
  await new Promise<void>((resolve) => tunnel.once('data', () => resolve()));
  await proxy.close();
  await closed;
  assert.equal(existsSync(socketPath), false);
});

test('the proxy can listen on a loopback port instead (for Seatbelt)', async (t) => {
  const internet = await startInternet();
  const proxy = await startNetworkProxy({ allowedDomains: ['localhost'], listen: { port: 0 } });
  t.after(async () => {
    await proxy.close();
    internet.close();
  });
  assert.ok(proxy.port !== null && proxy.port > 0);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(proxy.port ?? 0, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    socket.write(`GET http://localhost:${internet.port}/ HTTP/1.1\r\nConnection: close\r\n\r\n`);
  });
  assert.match(answer, /^HTTP\/1\.1 200/);
});
