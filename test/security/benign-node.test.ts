/**
 * Benign suite, Node and npm: running the tests, the build (which writes dist/), project
 * scripts, inline code and a locally installed CLI, in auto mode, in the sandbox, without a
 * prompt and with the same results as outside it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeShell, initShellParser } from '../../src/policy/shell/analyze.ts';
import { benignSession } from './benign-session.ts';

const INLINE_CODE = "node -e 'console.log(1+1)'";

benignSession('benign node: tests, build and scripts', [
  // Node 20 reports in TAP when stdout is not a terminal, Node 22+ in its spec format: both count.
  { command: 'npm test', shows: /> node --test[\s\S]*(?:# pass 3\n# fail 0|ℹ pass 3\nℹ fail 0)/, normalize: ['test-durations'] },
  { command: 'npm run build', shows: /built 3 files into dist\/$/ },
  { command: 'ls dist', shows: /^greet\.js\nindex\.js\nmath\.js$/ },
  { command: 'node scripts/stats.js', shows: /^greet\.js {5}4 lines\nindex\.js {5}5 lines\nmath\.js {6}11 lines$/ },
  { command: 'node src/index.js', shows: /^Hello, ward!\n5 6$/ },
  // Inline code: the shell analyser flags it, and auto mode still runs it because the sandbox holds it.
  { command: INLINE_CODE, shows: /^2$/ },
  { command: 'which node', shows: /\/node$/ },
  { command: 'node --version', shows: /^v\d+\.\d+\.\d+$/ },
  { command: 'npx --no-install hello world', shows: /^hello from world$/ },
  { command: 'npm run', shows: /^Lifecycle scripts included in benign-fixture@1\.0\.0:\n {2}test\n {4}node --test\navailable via `npm run`:\n {2}build\n {4}node scripts\/build\.js$/ },
  // A file, not a folder: Node 24 no longer takes a folder argument to --test.
  { command: 'node --test test/math.test.js', shows: /(?:#|ℹ) pass 3/, normalize: ['test-durations'] },
]);

// What makes the inline-code step above worth having: the analyser does flag it, so what lets it
// run without a prompt is auto mode's trust in the sandbox, not a blind spot of the analyser.
test('the shell analyser flags node -e as inline code', async () => {
  await initShellParser();
  const risks = analyzeShell(INLINE_CODE).risks.map((risk) => risk.kind);
  assert.ok(risks.includes('inline-code'), risks.join(', '));
});
