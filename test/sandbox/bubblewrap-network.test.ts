/**
 * The network allowlist end to end: createSandbox starts ward's proxy, commands inside the
 * bubblewrap sandbox reach it through the forwarder, and curl (which honours the proxy
 * variables) is the client. A loopback HTTP server plays the internet; tests that reach it
 * name it `localhost` and pass `--noproxy ''`, since inside the sandbox localhost is otherwise
 * the sandbox's own loopback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { createSandbox } from '../../src/sandbox/create.ts';
import type { NetworkDecision } from '../../src/sandbox/network-proxy.ts';
import { makeTempProject } from '../tools/env.ts';
import { findExecutable } from '../tools/env.ts';
import { bubblewrap, projectPolicy, sandboxedShell, skipWithoutBubblewrap } from './support.ts';

const skip = skipWithoutBubblewrap !== false ? skipWithoutBubblewrap : findExecutable('curl') === null ? 'curl is not installed (apt-get install curl)' : false;

async function startInternet(t: { after: (fn: () => void) => void }): Promise<{ port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(request.url ?? '');
    response.end('INTERNET-BODY\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return { port: address.port, hits };
}

function detection() {
  assert.ok(bubblewrap !== null);
  return { available: true as const, backend: 'bubblewrap' as const, path: bubblewrap.bwrapPath, disableNestedUserNamespaces: bubblewrap.disableNestedUserNamespaces };
}

test('with domains allowed, an allowed host is reached through the proxy and others are refused', { skip }, async (t) => {
  const project = await makeTempProject('ward-bwrap-net-');
  t.after(project.cleanup);
  const internet = await startInternet(t);
  const decisions: NetworkDecision[] = [];
  const sandbox = createSandbox(projectPolicy(project.root, { network: { kind: 'proxy', allowedDomains: ['localhost'] } }), detection(), { onNetworkDecision: (decision) => decisions.push(decision) });
  t.after(() => sandbox.close());
  const { run } = sandboxedShell(project.root, sandbox);

  const plain = await run(`curl -sS --noproxy '' http://localhost:${internet.port}/plain`);
  assert.match(plain.output, /^INTERNET-BODY\nExit code: 0/);
  // -p: tunnel through CONNECT, as HTTPS does.
  const tunnel = await run(`curl -sS -p --noproxy '' http://localhost:${internet.port}/tunnel`);
  assert.match(tunnel.output, /^INTERNET-BODY\nExit code: 0/);
  assert.deepEqual(internet.hits, ['/plain', '/tunnel']);

  const byAddress = await run(`curl -sS --noproxy '' http://127.0.0.1:${internet.port}/by-address`);
  assert.match(byAddress.output, /network request refused: 127\.0\.0\.1 is not in the network allowlist/);
  const elsewhere = await run(`curl -sS -p https://example.com/ ; echo "rc=$?"`);
  assert.match(elsewhere.output, /rc=56/);
  assert.deepEqual(internet.hits, ['/plain', '/tunnel']);

  assert.deepEqual(decisions.map((decision) => [decision.method, decision.host, decision.allowed]), [
    ['GET', 'localhost', true],
    ['CONNECT', 'localhost', true],
    ['GET', '127.0.0.1', false],
    ['CONNECT', 'example.com', false],
  ]);
});

test('with domains allowed, going around the proxy still reaches nothing', { skip }, async (t) => {
  const project = await makeTempProject('ward-bwrap-net-');
  t.after(project.cleanup);
  let connections = 0;
  const listener = createTcpServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  t.after(() => listener.close());
  const address = listener.address();
  assert.ok(address !== null && typeof address === 'object');
  const sandbox = createSandbox(projectPolicy(project.root, { network: { kind: 'proxy', allowedDomains: ['localhost'] } }), detection());
  t.after(() => sandbox.close());
  const { run } = sandboxedShell(project.root, sandbox);

  const direct = await run(`curl -sS --max-time 5 --noproxy '*' http://127.0.0.1:${address.port}/ && echo FETCHED; exec 5<>/dev/tcp/127.0.0.1/${address.port} && echo CONNECTED`);
  assert.doesNotMatch(direct.output, /FETCHED|CONNECTED/);
  const dns = await run('getent hosts example.com && echo RESOLVED');
  assert.doesNotMatch(dns.output, /RESOLVED/);
  assert.equal(connections, 0);
});

test('an empty domain list means no network and no proxy at all', { skip }, async (t) => {
  const project = await makeTempProject('ward-bwrap-net-');
  t.after(project.cleanup);
  const internet = await startInternet(t);
  const sandbox = createSandbox(projectPolicy(project.root, { network: { kind: 'proxy', allowedDomains: [] } }), detection());
  t.after(() => sandbox.close());
  assert.equal(sandbox.proxy, null);
  const { run } = sandboxedShell(project.root, sandbox);
  const result = await run(`env | grep -ci proxy; curl -sS --max-time 5 --noproxy '' http://localhost:${internet.port}/ && echo FETCHED`);
  assert.match(result.output, /^0\n/);
  assert.doesNotMatch(result.output, /FETCHED/);
  assert.deepEqual(internet.hits, []);
});

test('a local server inside the sandbox is reached directly, not through the proxy', { skip }, async (t) => {
  const project = await makeTempProject('ward-bwrap-net-');
  t.after(project.cleanup);
  const decisions: NetworkDecision[] = [];
  const sandbox = createSandbox(projectPolicy(project.root, { network: { kind: 'proxy', allowedDomains: ['localhost'] } }), detection(), { onNetworkDecision: (decision) => decisions.push(decision) });
  t.after(() => sandbox.close());
  const { run } = sandboxedShell(project.root, sandbox);
  const server = `${process.execPath} -e "require('http').createServer((q,s)=>s.end('LOCAL\\\\n')).listen(8123,'127.0.0.1')"`;
  const result = await run(`${server} & for i in $(seq 50); do curl -s http://localhost:8123/ && break; sleep 0.1; done`);
  assert.match(result.output, /^LOCAL\n/);
  assert.deepEqual(decisions, []);
});
