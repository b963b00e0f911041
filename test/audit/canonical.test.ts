import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJson, CanonicalEncodingError, digestOf, sha256Hex } from '../../src/audit/canonical.ts';

test('objects are written with sorted keys and no whitespace, at every depth', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } }), '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  assert.equal(canonicalJson({}), '{}');
  assert.equal(canonicalJson([]), '[]');
});

test('keys sort by UTF-16 code units, as RFC 8785 says (not by code point)', () => {
  // U+1F600 is the surrogate pair D83D DE00, which sorts before U+FFFF by code unit.
  const keys = JSON.parse(canonicalJson({ '\uffff': 1, '\u{1f600}': 2, b: 3, B: 4, a: 5, é: 6 })) as Record<string, number>;
  assert.deepEqual(Object.keys(keys), ['B', 'a', 'b', 'é', '\u{1f600}', '\uffff']);
});

test('numbers have one spelling: the shortest that reads back, -0 as 0', () => {
  assert.equal(canonicalJson([1, -1, 1.5, -0, 0.1 + 0.2, 1e21, 1e-7, 123456789012345680000, 5e-324]), '[1,-1,1.5,0,0.30000000000000004,1e+21,1e-7,123456789012345680000,5e-324]');
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    assert.throws(() => canonicalJson({ n: bad }), (error: unknown) => error instanceof CanonicalEncodingError && /\$\.n/.test(error.message));
  }
});

test('strings are escaped as JSON does, lone surrogates included; other characters stay as they are', () => {
  assert.equal(canonicalJson('a"b\\c\n\u0001é\u{1f600}'), '"a\\"b\\\\c\\n\\u0001é\u{1f600}"');
  assert.equal(canonicalJson('\ud800'), '"\\ud800"');
});

test('undefined object values are left out; undefined in an array, bigints, functions and class instances are errors', () => {
  assert.equal(canonicalJson({ a: undefined, b: 2 }), '{"b":2}');
  assert.throws(() => canonicalJson([1, undefined]), CanonicalEncodingError);
  assert.throws(() => canonicalJson({ n: 1n }), CanonicalEncodingError);
  assert.throws(() => canonicalJson({ f: () => 1 }), CanonicalEncodingError);
  assert.throws(() => canonicalJson({ d: new Date(0) }), CanonicalEncodingError);
  assert.equal(canonicalJson(Object.assign(Object.create(null) as object, { k: 1 })), '{"k":1}');
});

test('property: the encoding reads back to the same value and does not depend on key order', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const text = canonicalJson(value);
      assert.equal(canonicalJson(JSON.parse(text)), text);
      assert.equal(canonicalJson(reverseKeys(value)), text);
      assert.equal(digestOf(reverseKeys(value)), sha256Hex(text));
    }),
    { numRuns: 500 },
  );
});

test('a digest of something without a canonical form still exists and is stable', () => {
  assert.equal(digestOf({ n: Number.NaN }), digestOf({ n: Number.NaN }));
  assert.match(digestOf({ n: Number.NaN }), /^[0-9a-f]{64}$/);
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value).reverse()) out[key] = reverseKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
