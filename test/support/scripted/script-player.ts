/**
 * Walks a script: each request takes the current turn's next unused fault, and once a turn's
 * faults are used up, the turn itself. A turn is only used up when it is actually served, so
 * a client that gives up during a slow first byte gets the same turn on its retry, while a
 * client that waits it out is served the turn (so faults listed after a slow_first_byte only
 * come into play if the client gave up).
 */
import type { ParsedScript } from '../script.ts';

type ParsedTurn = ParsedScript['turns'][number];
type ParsedFault = ParsedTurn['faults'][number];

export type Play =
  | { readonly kind: 'fault'; readonly turnIndex: number; readonly turn: ParsedTurn; readonly fault: ParsedFault }
  | { readonly kind: 'turn'; readonly turnIndex: number; readonly turn: ParsedTurn }
  | { readonly kind: 'exhausted'; readonly turnsServed: number };

export class ScriptPlayer {
  readonly #turns: readonly ParsedTurn[];
  #turnIndex = 0;
  #faultsUsed = 0;

  constructor(script: ParsedScript) {
    this.#turns = script.turns;
  }

  /** Decides what the next request gets. Faults are used up here; turns by `markServed`. */
  next(): Play {
    const turnIndex = this.#turnIndex;
    const turn = this.#turns[turnIndex];
    if (turn === undefined) return { kind: 'exhausted', turnsServed: this.#turns.length };
    const fault = turn.faults[this.#faultsUsed];
    if (fault === undefined) return { kind: 'turn', turnIndex, turn };
    this.#faultsUsed++;
    return { kind: 'fault', turnIndex, turn, fault };
  }

  /** The turn at `turnIndex` went out to a client; the following request gets the next turn. */
  markServed(turnIndex: number): void {
    if (turnIndex !== this.#turnIndex) return;
    this.#turnIndex++;
    this.#faultsUsed = 0;
  }

  remainingTurns(): number {
    return this.#turns.length - this.#turnIndex;
  }
}
