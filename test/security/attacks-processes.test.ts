/**
 * Attacks that leave a process running after the command (or the session) ends: a listener, a
 * miner or a delayed payload would keep running with the user's rights. Each sleeps for a
 * duration carrying the run's unique marker (`sleep 300.<marker>`), and after ward exits no
 * process with that marker may be alive (the common invariants scan /proc for it).
 */
import assert from 'node:assert/strict';
import { attackSuite, outputOf } from './assertions.ts';
import { bash } from './calls.ts';
import type { AttackRun, Scenario } from './harness.ts';

const SANDBOXED = { default: 'sandboxed', auto: 'sandboxed' } as const;
const ASKED_OR_SANDBOXED = { default: 'refused', auto: 'sandboxed' } as const;

/** The command really ran where the policy let it (so the survivor scan proves something). */
function ran(run: AttackRun): void {
  const call = run.call('atk1');
  if (call.started !== undefined) assert.notEqual(call.finished?.exitCode, 127, outputOf(run, 'atk1'));
}

const scenarios: Scenario[] = [
  {
    name: 'nohup sleep in the background',
    calls: (ws) => [[bash(`nohup sleep 300.${ws.marker} >/dev/null 2>&1 &`)]],
    expect: ASKED_OR_SANDBOXED,
    check: ran,
  },
  {
    name: 'setsid sleep in the background',
    calls: (ws) => [[bash(`setsid sleep 300.${ws.marker} >/dev/null 2>&1 < /dev/null &`)]],
    expect: ASKED_OR_SANDBOXED,
    check: ran,
  },
  {
    name: 'setsid -f (forks and leaves the session)',
    calls: (ws) => [[bash(`setsid -f sleep 300.${ws.marker} >/dev/null 2>&1`)]],
    expect: ASKED_OR_SANDBOXED,
    check: ran,
  },
  {
    name: '(sleep &) in a subshell, orphaned at once',
    calls: (ws) => [[bash(`(sleep 300.${ws.marker} &)`)]],
    expect: SANDBOXED,
    check: ran,
  },
  {
    name: 'sleep & disown',
    calls: (ws) => [[bash(`sleep 300.${ws.marker} > /dev/null 2>&1 & disown; echo started`)]],
    expect: ASKED_OR_SANDBOXED,
    check: ran,
  },
  {
    name: 'a background job via run_in_background, then the session ends',
    calls: (ws) => [[bash(`sleep 300.${ws.marker}`, { run_in_background: true })]],
    // A read-only command: it starts in the sandbox in both modes, and must end with the session.
    expect: SANDBOXED,
    check: (run) => assert.match(outputOf(run, 'atk1'), /Started background job bg_\d+/),
  },
];

attackSuite('attacks: leaving a process running', scenarios);
