/**
 * The tool-call pairing rules both providers enforce, checked on every conversation a client
 * sends: each tool call in an assistant message is answered exactly once, right after it, and
 * no result answers a call that was not made there. Both real APIs reject such requests with
 * a 400; recording them as violations lets a test point at the exact broken message.
 */

/** A conversation reduced to what the pairing rules look at. */
export type ConversationStep =
  | { readonly kind: 'calls'; readonly at: number; readonly ids: readonly string[] }
  | { readonly kind: 'results'; readonly at: number; readonly ids: readonly string[] }
  | { readonly kind: 'other'; readonly at: number };

export interface PairingVocabulary {
  /** What the provider calls a call and a result, for messages a reader recognises. */
  readonly call: string;
  readonly result: string;
}

export function checkToolPairing(steps: readonly ConversationStep[], words: PairingVocabulary): string[] {
  const violations: string[] = [];
  const everyCallId = new Set<string>();
  for (const step of steps) {
    if (step.kind !== 'calls') continue;
    for (const id of step.ids) {
      if (everyCallId.has(id)) violations.push(`${words.call} id ${id} is used by more than one call (message ${step.at})`);
      everyCallId.add(id);
    }
  }

  steps.forEach((step, index) => {
    const previous = index > 0 ? steps[index - 1] : undefined;
    if (step.kind === 'calls' && step.ids.length > 0) {
      const next = steps[index + 1];
      const answered = next?.kind === 'results' ? next.ids : [];
      for (const id of step.ids) {
        const count = answered.filter((answer) => answer === id).length;
        if (count === 0) {
          violations.push(`${words.call} ${id} (message ${step.at}) has no ${words.result} right after it`);
        } else if (count > 1) {
          violations.push(`${words.call} ${id} (message ${step.at}) is answered by ${count} ${words.result}s`);
        }
      }
    }
    if (step.kind === 'results') {
      const calledJustBefore = previous?.kind === 'calls' ? previous.ids : [];
      for (const id of step.ids) {
        if (calledJustBefore.includes(id)) continue;
        violations.push(
          everyCallId.has(id)
            ? `${words.result} for ${id} (message ${step.at}) does not directly follow the message that made the call`
            : `${words.result} (message ${step.at}) refers to unknown id ${id}`,
        );
      }
    }
  });
  return violations;
}
