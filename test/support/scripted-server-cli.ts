/**
 * Runs the scripted model server on its own, for the demo and for trying ward by hand:
 *
 *   node test/support/scripted-server-cli.ts --script FILE.json [--port N] [--host H]
 *
 * Prints one line, `scripted model server listening on URL`, and serves until SIGINT/SIGTERM;
 * on the way out it prints any conversation violations it saw to stderr.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { scriptSchema } from './script.ts';
import { startScriptedServer } from './scripted-server.ts';

const USAGE = 'usage: node test/support/scripted-server-cli.ts --script FILE.json [--port N] [--host H]';

function fail(message: string): never {
  process.stderr.write(`scripted-server: ${message}\n`);
  process.exit(2);
}

async function loadScript(file: string): Promise<z.output<typeof scriptSchema>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    fail(`cannot read script ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(`script ${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = scriptSchema.safeParse(json);
  if (!parsed.success) fail(`script ${file} is not a valid script:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

async function main(): Promise<void> {
  let values: { script?: string | undefined; port?: string | undefined; host?: string | undefined };
  try {
    ({ values } = parseArgs({
      options: { script: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (values.script === undefined) fail(`--script is required\n${USAGE}`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, got ${values.port ?? ''}`);

  const script = await loadScript(values.script);
  const server = await startScriptedServer(script, { port, ...(values.host === undefined ? {} : { host: values.host }) });
  process.stdout.write(`scripted model server listening on ${server.url}\n`);

  const shutdown = (): void => {
    // Nobody asserts on violations in a standalone run, so say them before going away.
    for (const violation of server.violations) process.stderr.write(`scripted-server: violation: ${violation}\n`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
