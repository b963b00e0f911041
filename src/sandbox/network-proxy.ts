/**
 * The only way out of the sandbox to the network: an HTTP proxy running in ward's own process.
 * Sandboxed commands have no network of their own (bubblewrap gives them an empty network
 * namespace; Seatbelt denies everything but this proxy's port), and tools honour
 * HTTP(S)_PROXY, so every request arrives here as `CONNECT host:port` (HTTPS and anything
 * tunnelled) or as an absolute-URI request (`GET http://host/...`, plain HTTP).
 *
 * Each request's host is validated and matched against the allowlist (domain-allowlist.ts),
 * resolved once, and then connected to at exactly the address that was checked, so what is
 * decided is what is reached (no second resolution an attacker's DNS could answer differently).
 * A name that only matches as a subdomain or through a wildcard may not reach internal
 * addresses. Every decision goes to `onDecision`, allowed or not.
 *
 * Limits, by design of a CONNECT proxy without TLS interception: inside an allowed tunnel the
 * client may present another name in TLS SNI or the Host header (domain fronting through a
 * CDN that serves both names); the proxy sees only the CONNECT target.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request as httpRequest } from 'node:http';
import type { Duplex } from 'node:stream';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { unlinkSync } from 'node:fs';
import { isInternalAddress } from './internal-address.ts';
import { matchHost, parseAllowlist, parseHost, printable } from './domain-allowlist.ts';
import type { DomainPattern } from './domain-allowlist.ts';

export interface NetworkDecision {
  /** CONNECT, GET, POST, ... */
  readonly method: string;
  /** The request target as received (bounded, control characters escaped). */
  readonly target: string;
  /** The validated host, or null when the target did not validate. */
  readonly host: string | null;
  readonly port: number | null;
  readonly allowed: boolean;
  /** The allowlist entry that allowed it, or why it was refused. */
  readonly reason: string;
}

export type ProxyListen = { readonly socketPath: string } | { readonly port: number };

export interface NetworkProxyOptions {
  readonly allowedDomains: readonly string[];
  /** A unix socket (bubblewrap binds it into the sandbox) or a port on 127.0.0.1 (Seatbelt). */
  readonly listen: ProxyListen;
  readonly onDecision?: (decision: NetworkDecision) => void;
  /** How long an upstream connection may take to open. */
  readonly connectTimeoutMs?: number;
  /** Resolves a host name to addresses; the system resolver by default. */
  readonly resolve?: (host: string) => Promise<readonly string[]>;
}

export interface NetworkProxy {
  /** Where it listens; `port` is the real one when 0 was asked for. */
  readonly socketPath: string | null;
  readonly port: number | null;
  /** Settles once it is listening. */
  readonly ready: Promise<void>;
  /** Stops listening and ends every open tunnel. */
  close(): Promise<void>;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Request and response headers that describe one hop, not the message (RFC 9110 7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

type Verdict =
  | { readonly allowed: true; readonly host: string; readonly port: number; readonly address: string; readonly entry: string }
  | { readonly allowed: false; readonly host: string | null; readonly port: number | null; readonly status: number; readonly reason: string };

async function systemResolve(host: string): Promise<readonly string[]> {
  const results = await dnsLookup(host, { all: true, order: 'verbatim' });
  return results.map((result) => result.address);
}

/** `host:port` of a CONNECT request, strictly: a port of 1 to 65535 is required. */
function parseAuthority(target: string): { host: string; port: number } | null {
  const match = /^(\[[^\]]*\]|[^:[\]]*):([0-9]{1,5})$/.exec(target);
  if (match?.[1] === undefined || match[2] === undefined) return null;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { host: match[1], port } : null;
}

/** Host and port of an absolute-URI request (`http://host[:port]/path`), or null. */
function parseAbsoluteUri(target: string): { url: URL; host: string; port: number } | null {
  if (!/^http:\/\//i.test(target)) return null;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return null;
  }
  if (url.username !== '' || url.password !== '') return null;
  return { url, host: url.hostname, port: url.port === '' ? 80 : Number(url.port) };
}

function stripHopByHop(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const named = new Set(HOP_BY_HOP);
  for (const token of (headers.connection ?? '').split(',')) named.add(token.trim().toLowerCase());
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !named.has(name.toLowerCase())) kept[name] = value;
  }
  return kept;
}

function deniedBody(verdict: Extract<Verdict, { allowed: false }>): string {
  return `ward: network request refused: ${verdict.reason}\n`;
}

/**
 * Starts the proxy. Listening on a unix socket path is set up synchronously (the socket file
 * exists when this returns), so a sandbox can be created without awaiting `ready`.
 * Throws a DomainAllowlistError when an entry is invalid.
 */
export function createNetworkProxy(options: NetworkProxyOptions): NetworkProxy {
  const patterns: readonly DomainPattern[] = parseAllowlist(options.allowedDomains);
  const resolve = options.resolve ?? systemResolve;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const sockets = new Set<Duplex>();

  const report = (method: string, target: string, verdict: Verdict): void => {
    options.onDecision?.({
      method: printable(method).slice(1, -1),
      target: printable(target).slice(1, -1),
      host: verdict.host,
      port: verdict.port,
      allowed: verdict.allowed,
      reason: verdict.allowed ? `allowed by "${verdict.entry}"` : verdict.reason,
    });
  };

  const decide = async (rawHost: string, port: number): Promise<Verdict> => {
    const parsed = parseHost(rawHost);
    if (!parsed.ok) return { allowed: false, host: null, port, status: 400, reason: parsed.reason };
    const { host } = parsed.value;
    const match = matchHost(patterns, parsed.value);
    if (!match.allowed) return { allowed: false, host, port, status: 403, reason: match.reason };
    let addresses: readonly string[];
    try {
      addresses = parsed.value.isIp ? [host] : await resolve(host);
    } catch {
      return { allowed: false, host, port, status: 502, reason: `${host} could not be resolved` };
    }
    const address = addresses.find((candidate) => match.exact || !isInternalAddress(candidate));
    if (address === undefined) {
      return {
        allowed: false,
        host,
        port,
        status: 403,
        reason: addresses.length === 0 ? `${host} has no address` : `${host} resolves to an internal address, which only a name listed exactly may reach`,
      };
    }
    return { allowed: true, host, port, address, entry: match.entry };
  };

  const track = (socket: Duplex): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const openUpstream = (address: string, port: number): Socket => {
    const upstream = connect({ host: address, port });
    track(upstream);
    upstream.setTimeout(connectTimeoutMs, () => upstream.destroy(new Error('connect timeout')));
    upstream.once('connect', () => upstream.setTimeout(0));
    return upstream;
  };

  const onConnect = (request: IncomingMessage, client: Duplex, head: Buffer): void => {
    track(client);
    client.on('error', () => client.destroy());
    const target = request.url ?? '';
    const authority = parseAuthority(target);
    const verdictPromise: Promise<Verdict> =
      authority === null
        ? Promise.resolve({ allowed: false, host: null, port: null, status: 400, reason: `${printable(target)} is not a host:port CONNECT target` })
        : decide(authority.host, authority.port);
    void verdictPromise.then((verdict) => {
      report('CONNECT', target, verdict);
      if (!verdict.allowed) {
        client.end(`HTTP/1.1 ${verdict.status} Refused\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${deniedBody(verdict)}`);
        return;
      }
      if (client.destroyed) return; // the client gave up while the host was being resolved
      const upstream = openUpstream(verdict.address, verdict.port);
      let established = false;
      upstream.once('connect', () => {
        established = true;
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => {
        if (established) client.destroy();
        else client.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n');
      });
      client.once('close', () => upstream.destroy());
    });
  };

  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const target = request.url ?? '';
    const method = request.method ?? 'GET';
    const absolute = parseAbsoluteUri(target);
    const verdictPromise: Promise<Verdict> =
      absolute === null
        ? Promise.resolve({ allowed: false, host: null, port: null, status: 400, reason: `${printable(target)} is not an absolute http:// URL (this is a proxy; HTTPS goes through CONNECT)` })
        : decide(absolute.host, absolute.port);
    void verdictPromise.then((verdict) => {
      report(method, target, verdict);
      if (!verdict.allowed || absolute === null) {
        const status = verdict.allowed ? 400 : verdict.status;
        response.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
        response.end(verdict.allowed ? '' : deniedBody(verdict));
        return;
      }
      const headers = stripHopByHop(request.headers);
      // The host that was checked is the host that is named upstream.
      headers.host = absolute.url.host;
      const upstream = httpRequest({
        host: verdict.address,
        port: verdict.port,
        method,
        path: `${absolute.url.pathname}${absolute.url.search}`,
        headers: { ...headers, connection: 'close' },
        setHost: false,
        agent: false,
        timeout: connectTimeoutMs,
      });
      upstream.on('socket', track);
      upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
      upstream.on('response', (upstreamResponse) => {
        upstream.setTimeout(0);
        response.writeHead(upstreamResponse.statusCode ?? 502, stripHopByHop(upstreamResponse.headers));
        upstreamResponse.pipe(response);
      });
      upstream.on('error', () => {
        if (!response.headersSent) {
          response.writeHead(502, { 'content-type': 'text/plain', connection: 'close' });
          response.end('ward: the upstream server could not be reached\n');
        } else {
          response.destroy();
        }
      });
      request.pipe(upstream);
    });
  };

  // An absolute-URI request names its host itself; the Host header is replaced by it anyway.
  const server = createServer({ requestTimeout: 0, requireHostHeader: false }, onRequest);
  server.on('connect', onConnect);
  server.on('upgrade', (request: IncomingMessage, client: Duplex) => {
    const target = request.url ?? '';
    report(request.method ?? 'GET', target, { allowed: false, host: null, port: null, status: 501, reason: 'protocol upgrades are not proxied; use CONNECT' });
    client.end('HTTP/1.1 501 Not Implemented\r\nConnection: close\r\n\r\n');
  });
  server.on('connection', track);
  // ward must be able to exit while the proxy listens; open tunnels keep it alive as they should.
  server.unref();

  const ready = new Promise<void>((resolveReady, rejectReady) => {
    server.once('listening', () => resolveReady());
    server.once('error', rejectReady);
  });
  // A caller that does not await `ready` must not crash ward when listening fails: commands then
  // simply get no network (the forwarder finds nothing to connect to), which fails closed.
  ready.catch(() => undefined);
  if ('socketPath' in options.listen) server.listen(options.listen.socketPath);
  else server.listen(options.listen.port, '127.0.0.1');

  const socketPath = 'socketPath' in options.listen ? options.listen.socketPath : null;
  return {
    socketPath,
    get port(): number | null {
      const address = server.address();
      return address !== null && typeof address === 'object' ? address.port : null;
    },
    ready,
    close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolveClose) => {
        server.close(() => {
          if (socketPath !== null) {
            try {
              unlinkSync(socketPath);
            } catch {
              // already gone
            }
          }
          resolveClose();
        });
      });
    },
  };
}

/** createNetworkProxy, settled once it listens. */
export async function startNetworkProxy(options: NetworkProxyOptions): Promise<NetworkProxy> {
  const proxy = createNetworkProxy(options);
  await proxy.ready;
  return proxy;
}
