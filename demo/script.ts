/**
 * The model's side of `npm run demo`, written in advance: a scripted model that investigates,
 * reproduces, fixes and verifies. ward itself is real; only the model's words are canned.
 */
import type { Script } from '../test/support/script.ts';

export const DEMO_PROMPT = 'The tests of this project fail. Find the bug, fix it, and show that the tests pass.';

export const demoScript: Script = {
  turns: [
    {
      text: "I'll start by looking at the project's layout and its test setup.",
      toolCalls: [
        { name: 'glob', input: { pattern: '**/*.js' } },
        { name: 'read', input: { path: 'package.json' } },
      ],
    },
    {
      text: 'Let me run the tests to see what fails.',
      toolCalls: [{ name: 'bash', input: { command: 'npm test' } }],
    },
    {
      text: 'The 10% discount test fails. Reading the code and the test together:',
      toolCalls: [
        { name: 'read', input: { path: 'src/cart.js' } },
        { name: 'read', input: { path: 'test/cart.test.js' } },
      ],
    },
    {
      text: 'applyDiscount subtracts the percentage as if it were an amount. It should take that percentage of the amount.',
      toolCalls: [
        {
          name: 'edit',
          input: {
            path: 'src/cart.js',
            old_string: '  return amount - percent;',
            new_string: '  return amount * (1 - percent / 100);',
          },
        },
      ],
    },
    {
      text: 'Now the tests again.',
      toolCalls: [{ name: 'bash', input: { command: 'npm test' } }],
    },
    {
      text: 'Fixed: `applyDiscount` in src/cart.js subtracted the discount percentage as an amount (14 - 10 = 4); it now takes the percentage off (14 × 0.9 = 12.6). All 4 tests pass (`npm test`).',
    },
  ],
};
