import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineTotal, subtotal, total } from '../src/cart.js';

const items = [
  { name: 'notebook', price: 4.5, quantity: 2 },
  { name: 'pen', price: 1.25, quantity: 4 },
];

test('line total multiplies price by quantity', () => {
  assert.equal(lineTotal(items[0]), 9);
});

test('subtotal adds the line totals', () => {
  assert.equal(subtotal(items), 14);
});

test('total without a discount is the subtotal', () => {
  assert.equal(total(items), 14);
});

test('a 10% discount takes a tenth off', () => {
  assert.equal(total(items, 10), 12.6);
});
