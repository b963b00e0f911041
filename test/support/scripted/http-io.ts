/** node:http plumbing the scripted server needs: bodies in, JSON and stream chunks out. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Resolves once the chunk reached the socket, or once the client is gone. */
export function writeChunk(res: ServerResponse, chunk: string): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) {
      resolve();
      return;
    }
    const done = (): void => {
      res.off('close', done);
      resolve();
    };
    res.once('close', done);
    res.write(chunk, done);
  });
}

/** Resolves true after `ms`, or false as soon as the client disconnects or the server stops. */
export function waitUnlessGone(res: ServerResponse, ms: number, stop: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const finish = (served: boolean): void => {
      clearTimeout(timer);
      res.off('close', gone);
      stop.removeEventListener('abort', gone);
      resolve(served);
    };
    const gone = (): void => finish(false);
    const timer = setTimeout(() => finish(true), ms);
    res.once('close', gone);
    stop.addEventListener('abort', gone, { once: true });
  });
}
