/**
 * `npm run demo`: ward's main job end to end, with nothing configured. Copies the sample
 * project to a fresh temp folder, starts the scripted model server on loopback, and runs the
 * real `ward -p` against it. The model is scripted; everything ward does is real: the
 * policy decisions, the file reads and the edit, the shell running the tests.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startScriptedServer } from '../test/support/scripted-server.ts';
import { DEMO_PROMPT, demoScript } from './script.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'ward-demo-'));
const project = join(workDir, 'sample-cart');
cpSync(join(root, 'demo', 'sample-project'), project, { recursive: true });

const server = await startScriptedServer(demoScript);
const banner = [
  '┌──────────────────────────────────────────────────────────────────────────────┐',
  '│ ward demo: the MODEL IS SCRIPTED. A local test server on loopback plays      │',
  '│ pre-written model turns over the real Anthropic wire format. Everything ward │',
  '│ does with them is real: permission decisions, file reads, the edit, the      │',
  '│ shell running the tests. No API key, no network.                             │',
  '└──────────────────────────────────────────────────────────────────────────────┘',
  `project copy: ${project}`,
  `scripted model server: ${server.url}`,
  `command: ward -p "${DEMO_PROMPT}" --permission-mode accept-edits --allowed-tools "bash(npm test)"`,
  '',
].join('\n');
process.stdout.write(`${banner}\n`);

const child = spawn(
  process.execPath,
  [join(root, 'bin', 'ward.js'), '-p', DEMO_PROMPT, '--permission-mode', 'accept-edits', '--allowed-tools', 'bash(npm test)'],
  {
    cwd: project,
    stdio: 'inherit',
    env: {
      ...process.env,
      ANTHROPIC_BASE_URL: server.url,
      ANTHROPIC_API_KEY: 'scripted-demo-key-not-a-secret',
      WARD_HOME: join(workDir, 'ward-home'),
    },
  },
);
const exitCode = await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
await server.close();
process.stdout.write(`\nward exited with code ${exitCode}. Transcript under ${join(workDir, 'ward-home')}.\n`);
process.exitCode = exitCode;
