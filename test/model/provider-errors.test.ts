import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindFromStatus, parseRetryAfter } from '../../src/model/provider-errors.ts';

test('retry-after is read as milliseconds, seconds or an HTTP date', () => {
  const now = Date.parse('2026-11-21T12:00:00Z');
  assert.equal(parseRetryAfter(new Headers({ 'retry-after-ms': '1500' }), now), 1_500);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': '7' }), now), 7_000);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Sat, 21 Nov 2026 12:00:30 GMT' }), now), 30_000);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Sat, 21 Nov 2026 11:00:00 GMT' }), now), 0);
  // retry-after-ms is the more precise of the two when both are sent.
  assert.equal(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '1' }), now), 250);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now), undefined);
  assert.equal(parseRetryAfter(new Headers(), now), undefined);
});

test('HTTP statuses map to the kinds the retry policy decides on', () => {
  assert.deepEqual(
    [429, 529, 500, 503, 401, 403, 400, 404, 422, 408].map(kindFromStatus),
    ['rate_limited', 'overloaded', 'server', 'server', 'auth', 'auth', 'bad_request', 'bad_request', 'bad_request', 'timeout'],
  );
});
