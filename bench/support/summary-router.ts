/**
 * A loopback front for two scripted model servers: compaction summary requests (recognised by
 * ward's summary system prompt) go to one, every other request to the other. A benchmark that
 * lets the scripted server estimate usage cannot know in advance at which turn ward will
 * compact, so the summary answers cannot sit at fixed places in the session's script; routing
 * them to a server of their own keeps the session script in step whenever compaction happens.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SUMMARY_SYSTEM_PROMPT } from '../../src/context/compaction.ts';
import type { Script } from '../../test/support/script.ts';
import { startScriptedServer, type ScriptedServer } from '../../test/support/scripted-server.ts';

export interface RoutedServers {
  readonly url: string;
  readonly session: ScriptedServer;
  readonly summaries: ScriptedServer;
  close(): Promise<void>;
}

function isSummaryRequest(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { system?: unknown };
    return JSON.stringify(parsed.system ?? null).includes(SUMMARY_SYSTEM_PROMPT);
  } catch {
    return false;
  }
}

function forward(target: ScriptedServer, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', target.url);
  const upstream = httpRequest(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => res.destroy());
  upstream.end(body);
}

export async function startRoutedServers(session: Script, summaries: Script): Promise<RoutedServers> {
  const sessionServer = await startScriptedServer(session);
  const summaryServer = await startScriptedServer(summaries);
  const front = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      forward(isSummaryRequest(body.toString('utf8')) ? summaryServer : sessionServer, req, body, res);
    });
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const { port } = front.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    session: sessionServer,
    summaries: summaryServer,
    close: async () => {
      const closed = new Promise<void>((resolve) => front.close(() => resolve()));
      front.closeAllConnections();
      await Promise.all([closed, sessionServer.close(), summaryServer.close()]);
    },
  };
}
