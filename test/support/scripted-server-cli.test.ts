/** The standalone scripted server: started from a JSON file, stopped by a signal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';

const CLI = fileURLToPath(new URL('./scripted-server-cli.ts', import.meta.url));

async function withScriptFile(content: string, run: (file: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ward-scripted-cli-'));
  try {
    const file = join(dir, 'script.json');
    await writeFile(file, content);
    await run(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function startCli(file: string): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [CLI, '--script', file], { stdio: 'pipe' });
}

async function collect(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

test('the CLI serves a script from a file until SIGTERM', async () => {
  await withScriptFile(JSON.stringify({ turns: [{ text: 'from a file' }] }), async (file) => {
    const child = startCli(file);
    const result = collect(child);
    const [firstChunk] = (await once(child.stdout, 'data')) as [Buffer];
    const line = firstChunk.toString();
    const match = /^scripted model server listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(line);
    assert.ok(match?.[1], `unexpected first line: ${line}`);

    const client = new OpenAI({ baseURL: `${match[1]}/v1`, apiKey: 'test-key', maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'any', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(completion.choices[0]?.message.content, 'from a file');

    child.kill('SIGTERM');
    const { code, stderr } = await result;
    assert.equal(code, 0);
    assert.equal(stderr, '');
  });
});

test('an invalid script is refused with the file and the problem named', async () => {
  await withScriptFile(JSON.stringify({ turns: [{ faults: [{ kind: 'meteor_strike' }] }] }), async (file) => {
    const { code, stdout, stderr } = await collect(startCli(file));
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.ok(stderr.includes(file), stderr);
    assert.match(stderr, /not a valid script/);
    assert.match(stderr, /turns\[0\]\.faults\[0\]/);
  });
});

test('a script that is not JSON is refused with the file named', async () => {
  await withScriptFile('{ turns: [', async (file) => {
    const { code, stderr } = await collect(startCli(file));
    assert.equal(code, 2);
    assert.ok(stderr.includes(`script ${file} is not valid JSON`), stderr);
  });
});
