/**
 * One benign session: a sequence of ordinary development commands (and file edits) run twice
 * from identical copies of the fixture project: through the real `ward -p --permission-mode
 * auto` (bubblewrap sandbox, scripted model on loopback), and directly with bash on the host.
 * Each command is its own test: allowed without a prompt, run in the sandbox, and with the same
 * output, exit code and working directory as the reference run. After all commands, the two
 * copies must hold the same files.
 *
 * Sessions start when they are declared, so the sessions of a file run at the same time; each
 * describe block's `before` waits for its own.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildChildEnv } from '../../src/policy/child-env.ts';
import { skipWithoutBubblewrap } from '../sandbox/support.ts';
import { createBenignFixture, repositoryObjects, type FixtureOptions } from './benign-fixture.ts';
import { normalizeOutput, normalizeProjectPath, type CopyFacts, type Normalization } from './benign-normalize.ts';
import { ReferenceShell, type ReferenceResult } from './benign-reference.ts';
import { newCommitsIn, snapshotTree, treeDifferences } from './benign-tree.ts';
import { parseBashResult, runWardSession, type ToolCall, type WardSessionResult } from './benign-ward-run.ts';

export type BenignStep =
  | {
      readonly command: string;
      /** The exit code the reference run must have, so that a broken fixture cannot pass by failing alike on both sides (default 0). */
      readonly exit?: number;
      /** What the reference output must show, for the same reason. */
      readonly shows?: RegExp;
      readonly normalize?: readonly Normalization[];
    }
  | { readonly edit: string; readonly oldString: string; readonly newString: string };

interface SessionResult {
  readonly ward: WardSessionResult;
  readonly wardFacts: CopyFacts;
  readonly hostFacts: CopyFacts;
  /** One per step; null for edits. */
  readonly reference: readonly (ReferenceResult & { readonly cwdBefore: string; readonly cwdAfter: string } | null)[];
  readonly treeDifferences: readonly string[];
}

function toolCall(step: BenignStep): ToolCall {
  if ('command' in step) return { name: 'bash', input: { command: step.command } };
  return { name: 'edit', input: { path: step.edit, old_string: step.oldString, new_string: step.newString } };
}

/** The edit tool's effect, done directly: replace the one occurrence. */
function editDirectly(project: string, step: Extract<BenignStep, { edit: string }>): void {
  const path = join(project, step.edit);
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf(step.oldString);
  if (at < 0 || text.indexOf(step.oldString, at + 1) >= 0) throw new Error(`reference edit: ${step.edit} must contain the old text exactly once`);
  writeFileSync(path, text.slice(0, at) + step.newString + text.slice(at + step.oldString.length));
}

async function runSession(steps: readonly BenignStep[], fixtureOptions: FixtureOptions): Promise<{ result: SessionResult; root: string }> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'ward-benign-')));
  try {
    // An empty HOME of the suite's own: nothing from this machine's home is read or written.
    // Inside the sandbox it is not there at all (it lies under /tmp, which the sandbox replaces
    // with a private one); none of the suite's commands depend on what is in it.
    const home = join(root, 'home');
    mkdirSync(home);
    const fixture = join(root, 'fixture');
    createBenignFixture(fixture, home, fixtureOptions);
    const fixtureObjects = repositoryObjects(fixture);
    // Same-length folder names, so that columns of path-printing commands line up alike.
    const wardProject = join(root, 'ward', 'project');
    const hostProject = join(root, 'host', 'project');
    for (const copy of [wardProject, hostProject]) cpSync(fixture, copy, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });

    const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, NO_COLOR: '1' };
    const ward = await runWardSession(steps.map(toolCall), { project: wardProject, wardHome: join(root, 'ward-home'), env: base });

    // The environment ward gives commands: its allowlist applied to what ward itself was given.
    const shell = new ReferenceShell(hostProject, buildChildEnv({ ...base, PWD: hostProject, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: join(root, 'ward-home') }));
    const reference: SessionResult['reference'][number][] = [];
    for (const step of steps) {
      if ('edit' in step) {
        editDirectly(hostProject, step);
        reference.push(null);
        continue;
      }
      const cwdBefore = shell.cwd;
      const ran = await shell.run(step.command);
      reference.push({ ...ran, cwdBefore, cwdAfter: shell.cwd });
    }

    const wardFacts: CopyFacts = { project: wardProject, newCommits: newCommitsIn(wardProject, fixtureObjects) };
    const hostFacts: CopyFacts = { project: hostProject, newCommits: newCommitsIn(hostProject, fixtureObjects) };
    const differences = treeDifferences(snapshotTree(wardFacts, fixtureObjects), snapshotTree(hostFacts, fixtureObjects));
    return { root, result: { ward, wardFacts, hostFacts, reference, treeDifferences: differences } };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

function stepTitle(step: BenignStep, index: number): string {
  return 'command' in step ? `${index + 1}. ${step.command}` : `${index + 1}. edit ${step.edit}`;
}

/** Declares one session as a describe block: one test per step, then the session-wide checks. */
export function benignSession(name: string, steps: readonly BenignStep[], fixtureOptions: FixtureOptions = {}): void {
  const pending = skipWithoutBubblewrap === false ? runSession(steps, fixtureOptions) : null;
  // Awaited in `before`; marked handled here so a failure is reported there, not as unhandled.
  pending?.catch(() => undefined);
  let session: SessionResult | null = null;
  let root: string | null = null;
  const current = (): SessionResult => {
    if (session === null) throw new Error('the session did not run');
    return session;
  };

  describe(name, { skip: skipWithoutBubblewrap }, () => {
    before(async () => {
      if (pending === null) return;
      ({ result: session, root } = await pending);
    });
    after(() => {
      if (root !== null) rmSync(root, { recursive: true, force: true });
    });

    steps.forEach((step, index) => {
      test(stepTitle(step, index), () => {
        const { ward, wardFacts, hostFacts, reference } = current();
        const call = ward.calls[index];
        assert.ok(call !== undefined);
        const decision = call.decision;
        assert.equal(decision?.decision, 'allow', `ward did not allow it without a prompt: ${decision?.decision ?? 'no decision'}: ${decision?.reason ?? ''} [${decision?.source ?? ''}]`);
        assert.deepEqual(call.approvals, [], 'an approval was asked for');
        assert.ok(call.sentToModel !== undefined, 'no tool result reached the model');

        if (!('command' in step)) {
          assert.equal(call.sentToModel.isError, false, call.sentToModel.content);
          return;
        }
        assert.match(decision?.source ?? '', /^mode auto\b/, decision?.reason);
        assert.equal(call.started?.sandbox, 'bubblewrap', 'the command did not run in the bubblewrap sandbox');

        const host = reference[index];
        assert.ok(host !== null && host !== undefined);
        const hostOutput = normalizeOutput(host.output.replace(/\n$/, ''), hostFacts, step.normalize);
        // The reference itself must have done what the step is about.
        assert.equal(host.exitCode, step.exit ?? 0, `the reference run exited ${String(host.exitCode)}:\n${host.output}`);
        if (step.shows !== undefined) assert.match(hostOutput, step.shows, 'the reference run did not show what this step is about');

        const parsed = parseBashResult(call.sentToModel.content);
        assert.equal(parsed.status, `Exit code: ${String(host.exitCode)}`, `exit status differs; ward's output:\n${parsed.output}`);
        assert.equal(call.sentToModel.isError, host.exitCode !== 0);
        assert.equal(normalizeOutput(parsed.output, wardFacts, step.normalize), hostOutput, 'the output differs from the same command run directly with bash');
        // ward's only note for an ordinary command: where the working directory moved to.
        const moved = host.cwdAfter !== host.cwdBefore ? [`Working directory is now ${normalizeProjectPath(host.cwdAfter, hostFacts)}.`] : [];
        assert.deepEqual(parsed.notes.map((note) => normalizeProjectPath(note, wardFacts)), moved);
      });
    });

    test('no call needed a prompt: every decision is allow, and no approval was asked for', () => {
      const { ward } = current();
      const decisions = ward.events.filter((event) => event.type === 'tool_decision');
      assert.equal(decisions.length, steps.length);
      assert.deepEqual(decisions.filter((event) => event.decision !== 'allow').map((event) => `${event.callId}: ${event.decision}: ${event.reason}`), []);
      assert.deepEqual(ward.events.filter((event) => event.type === 'tool_approval'), []);
    });

    test('the session ran to the end, with a well-formed conversation', () => {
      const { ward } = current();
      assert.equal(ward.run.code, 0, ward.run.stderr);
      assert.deepEqual(ward.violations, []);
      assert.equal(ward.remainingTurns, 0);
    });

    test('afterwards, both copies of the project hold the same files', () => {
      // In a repository without .git/hooks the sandbox creates the empty folder (as git init
      // would) so it can hold it read-only: the one difference ward makes on purpose.
      const expected = fixtureOptions.hooksFolder === false ? ["only in ward's copy: .git/hooks (folder 755)"] : [];
      assert.deepEqual(current().treeDifferences, expected);
    });
  });
}
