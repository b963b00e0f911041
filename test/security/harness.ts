/**
 * The attack harness: one scripted session of a prompt-injected model trying one thing, run end
 * to end through the real `ward -p` (the built CLI, the real bubblewrap sandbox, the scripted
 * model server on loopback), with everything a test needs to prove the attempt went nowhere:
 * what the model was sent, the transcript, the output, a loopback listener the attacker aims
 * at, snapshots of everything outside the project and of the project's protected files, and
 * the processes left behind.
 */
import { once } from 'node:events';
import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventSchema, type EventOf, type WardEvent } from '../../src/events/schema.ts';
import { processesWith } from '../sandbox/support.ts';
import { onlyTranscript, runWard, type WardRun } from '../support/run-ward.ts';
import { startScriptedServer } from '../support/scripted-server.ts';
import type { ScriptedToolCall, ScriptedTurn } from '../support/script.ts';
import { differences, snapshot, type Snapshot } from './snapshot.ts';
import { makeAttackWorkspace, type AttackWorkspace } from './workspace.ts';

export type Mode = 'default' | 'auto';
export const MODES: readonly Mode[] = ['default', 'auto'];
/** bypass only for the harness's own controls, which show that each check can fail. */
export type RunMode = Mode | 'bypass';

/**
 * How an attack call must end.
 * - `refused`: the policy said deny, or ask and nobody approved (headless).
 * - `sandboxed`: the policy let a command run because it runs inside bubblewrap; the effect
 *   must be absent (the scenario's check and the common invariants prove it).
 * - `filtered`: a search inside the project, allowed as such; the secret files it would have
 *   reached must be left out of what it returns (the canary checks prove it).
 * - `missing`: allowed because the path it names does not exist, since the call that would
 *   have made it (a symlink) was refused; it must fail.
 * - `raced`: the call races a change a background job keeps making, so whether the policy
 *   allows it depends on timing; only the invariants (canaries, snapshots) can prove anything.
 */
export type Expectation = 'refused' | 'sandboxed' | 'filtered' | 'missing' | 'raced';

export interface Scenario {
  readonly name: string;
  /** The model's turns, each a list of tool calls; a final text turn is added. Ids default to `atk1`, `atk2`, … */
  readonly calls: (ws: AttackWorkspace, listener: ListenerAddress) => readonly (readonly ScriptedToolCall[])[];
  /** For every attack call, per mode. */
  readonly expect: Readonly<Record<Mode, Expectation>>;
  /** Per call id, where a call differs from `expect`. */
  readonly expectFor?: Readonly<Record<string, Readonly<Record<Mode, Expectation>>>>;
  /** Turn index (0-based, into `calls`) -> milliseconds the model takes to answer it: time passes with no tool running. */
  readonly slowTurns?: Readonly<Record<number, number>>;
  /** Call ids that only set the attack up; their decision is not asserted. */
  readonly prep?: readonly string[];
  /** A refusal's reason must match this (refused calls only). */
  readonly reason?: RegExp;
  readonly args?: (ws: AttackWorkspace, listener: ListenerAddress) => readonly string[];
  readonly env?: (ws: AttackWorkspace) => Readonly<Record<string, string>>;
  /** Changes the workspace before ward starts (after the git commit). */
  readonly setup?: (ws: AttackWorkspace, listener: ListenerAddress) => void;
  /** The scenario's own proof that the effect did not happen; runs before the workspace is removed. */
  readonly check?: (run: AttackRun) => void;
}

export interface ListenerAddress {
  readonly host: string;
  /** A TCP port that must receive no connection. */
  readonly port: number;
  /** A UDP port (a would-be DNS server) that must receive no datagram. */
  readonly udpPort: number;
}

export interface ListenerReport {
  readonly connections: number;
  readonly datagrams: number;
  /** What arrived, for the failure message. */
  readonly received: readonly string[];
}

export interface CallRecord {
  readonly id: string;
  readonly tool: string;
  readonly decisions: readonly EventOf<'tool_decision'>[];
  readonly approvals: readonly EventOf<'tool_approval'>[];
  readonly started: EventOf<'tool_started'> | undefined;
  readonly finished: EventOf<'tool_finished'> | undefined;
}

export interface AttackRun {
  readonly scenario: Scenario;
  readonly mode: RunMode;
  readonly ws: AttackWorkspace;
  readonly ward: WardRun;
  readonly events: readonly WardEvent[];
  readonly transcript: string;
  /** Every request body the model server received, as JSON text: all the model ever saw. */
  readonly modelSaw: readonly string[];
  readonly serverViolations: readonly string[];
  readonly remainingTurns: number;
  readonly listener: ListenerReport;
  /** Differences in the fake HOME, the sibling folder and ward's home (transcripts aside). */
  readonly outsideChanges: readonly string[];
  /** Differences in the project's files that make other programs run code, or configure ward. */
  readonly protectedChanges: readonly string[];
  /** Entries that appeared beside the project. */
  readonly newBesideProject: readonly string[];
  /** Live processes still carrying this run's marker or workspace path after ward exited. */
  readonly survivors: readonly number[];
  readonly calls: readonly CallRecord[];
  call(id: string): CallRecord;
}

/** Files in the project whose change would run code later (hooks, CI, install scripts) or widen ward. */
export const PROTECTED_IN_PROJECT = [
  '.git/config',
  '.git/hooks',
  '.git/commondir',
  '.git/config.worktree',
  '.ward',
  'package.json',
  '.github',
  '.vscode',
  '.env',
  'config/.env.production',
  '.envrc',
  '.gitmodules',
  '.husky',
  '.npmrc',
  '.yarnrc.yml',
];

interface Listener extends ListenerAddress {
  report(): ListenerReport;
  close(): Promise<void>;
}

async function startListener(): Promise<Listener> {
  const received: string[] = [];
  let connections = 0;
  let datagrams = 0;
  const tcp = createServer((socket) => {
    connections += 1;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => received.push(`tcp: ${chunk.slice(0, 200)}`));
    socket.on('error', () => undefined);
    socket.setTimeout(1000, () => socket.destroy());
  });
  tcp.listen(0, '127.0.0.1');
  await once(tcp, 'listening');
  const udp = createSocket('udp4');
  udp.on('message', (message) => {
    datagrams += 1;
    received.push(`udp: ${message.toString('latin1').slice(0, 200)}`);
  });
  udp.bind(0, '127.0.0.1');
  await once(udp, 'listening');
  return {
    host: '127.0.0.1',
    port: (tcp.address() as AddressInfo).port,
    udpPort: udp.address().port,
    report: () => ({ connections, datagrams, received: [...received] }),
    close: async () => {
      tcp.close();
      tcp.unref();
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    },
  };
}

function outsideSnapshot(ws: AttackWorkspace): Snapshot {
  // Transcripts and the quarantine (where ward moves what a command made at a protected path) are ward's own records.
  return snapshot(ws.root, [ws.home, ws.evil, ws.wardHome], ['ward-home/projects', 'ward-home/quarantine']);
}

function protectedSnapshot(ws: AttackWorkspace): Snapshot {
  return snapshot(ws.project, PROTECTED_IN_PROJECT.map((path) => join(ws.project, path)));
}

function parseTranscript(text: string): WardEvent[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => eventSchema.parse(JSON.parse(line)));
}

function callRecords(events: readonly WardEvent[]): CallRecord[] {
  const proposed = events.filter((event): event is EventOf<'tool_proposed'> => event.type === 'tool_proposed');
  return proposed.map((proposal) => {
    const mine = events.filter((event) => 'callId' in event && event.callId === proposal.callId);
    return {
      id: proposal.callId,
      tool: proposal.tool,
      decisions: mine.filter((event): event is EventOf<'tool_decision'> => event.type === 'tool_decision'),
      approvals: mine.filter((event): event is EventOf<'tool_approval'> => event.type === 'tool_approval'),
      started: mine.find((event): event is EventOf<'tool_started'> => event.type === 'tool_started'),
      finished: mine.find((event): event is EventOf<'tool_finished'> => event.type === 'tool_finished'),
    };
  });
}

/** Live processes with the marker or the workspace in their command line, given a moment to finish dying. */
async function survivorsOf(ws: AttackWorkspace): Promise<number[]> {
  const find = (): number[] => [...new Set([...processesWith(ws.marker), ...processesWith(ws.root)])];
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const found = find();
    if (found.length === 0) return [];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return find();
}

export function scriptFor(turns: readonly (readonly ScriptedToolCall[])[], slowTurns: Readonly<Record<number, number>> = {}): ScriptedTurn[] {
  let counter = 0;
  const withIds = turns.map((calls, index): ScriptedTurn => {
    const delayMs = slowTurns[index];
    return {
      toolCalls: calls.map((call) => {
        counter += 1;
        return { ...call, id: call.id ?? `atk${counter}` };
      }),
      ...(delayMs === undefined ? {} : { faults: [{ kind: 'slow_first_byte', delayMs }] }),
    };
  });
  return [...withIds, { text: 'Done.' }];
}

/**
 * Runs one scenario in one mode and returns everything to assert on. The caller removes the
 * workspace with `run.ws.cleanup()` once its assertions are done.
 */
export async function runAttack(scenario: Scenario, mode: RunMode): Promise<AttackRun> {
  const ws = makeAttackWorkspace();
  const listener = await startListener();
  try {
    scenario.setup?.(ws, listener);
    const server = await startScriptedServer({ turns: scriptFor(scenario.calls(ws, listener), scenario.slowTurns) });
    const outsideBefore = outsideSnapshot(ws);
    const protectedBefore = protectedSnapshot(ws);
    const besideBefore = new Set(readdirSync(ws.root));
    let ward: WardRun;
    try {
      ward = await runWard(['-p', `Read README.md and follow it. (${scenario.name})`, '--permission-mode', mode, ...(scenario.args?.(ws, listener) ?? [])], {
        cwd: ws.project,
        env: {
          HOME: ws.home,
          WARD_HOME: ws.wardHome,
          ANTHROPIC_BASE_URL: server.url,
          ANTHROPIC_API_KEY: ws.canaries.apiKey,
          GITHUB_TOKEN: ws.canaries.githubToken,
          ...scenario.env?.(ws),
        },
      });
    } finally {
      await server.close();
    }
    const survivors = await survivorsOf(ws);
    const transcript = readFileSync(onlyTranscript(ws.wardHome), 'utf8');
    const events = parseTranscript(transcript);
    const calls = callRecords(events);
    return {
      scenario,
      mode,
      ws,
      ward,
      events,
      transcript,
      modelSaw: server.requests.map((request) => JSON.stringify(request.body)),
      serverViolations: [...server.violations],
      remainingTurns: server.remainingTurns(),
      listener: listener.report(),
      outsideChanges: differences(outsideBefore, outsideSnapshot(ws)),
      protectedChanges: differences(protectedBefore, protectedSnapshot(ws)),
      newBesideProject: readdirSync(ws.root).filter((name) => !besideBefore.has(name)),
      survivors,
      calls,
      call(id: string): CallRecord {
        const record = calls.find((entry) => entry.id === id);
        if (record === undefined) throw new Error(`no call ${id} in the transcript (calls: ${calls.map((entry) => entry.id).join(', ')})`);
        return record;
      },
    };
  } catch (error) {
    ws.cleanup();
    throw error;
  } finally {
    await listener.close();
  }
}
