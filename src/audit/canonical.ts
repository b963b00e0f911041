/**
 * The canonical encoding the audit chain hashes: one byte sequence per value, so a hash
 * computed by ward today and by a verifier tomorrow (or another language) agree.
 *
 *   objects   keys sorted by UTF-16 code units, no whitespace; keys whose value is undefined are left out
 *   arrays    in order; an undefined element is an error (JSON would turn it into null silently)
 *   strings   JSON escaping as JSON.stringify does it (well-formed: lone surrogates as \uXXXX)
 *   numbers   ECMAScript Number::toString, the shortest text that reads back to the same number
 *             (what JSON.stringify prints; -0 becomes 0); NaN and the infinities are errors
 *   others    null, true, false; anything else (bigint, functions, symbols) is an error
 *
 * This is the encoding of RFC 8785 (JSON Canonicalization Scheme) for the values ward writes.
 */
import { createHash, createHmac } from 'node:crypto';

export class CanonicalEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalEncodingError';
  }
}

export function canonicalJson(value: unknown): string {
  return encode(value, '$');
}

function encode(value: unknown, at: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalEncodingError(`${at}: ${String(value)} has no JSON form`);
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? encodeArray(value, at) : encodeObject(value as Record<string, unknown>, at);
    default:
      throw new CanonicalEncodingError(`${at}: a ${typeof value} has no JSON form`);
  }
}

function encodeArray(items: readonly unknown[], at: string): string {
  const parts: string[] = [];
  for (let index = 0; index < items.length; index++) {
    const item: unknown = items[index];
    if (item === undefined) throw new CanonicalEncodingError(`${at}[${index}]: undefined has no JSON form`);
    parts.push(encode(item, `${at}[${index}]`));
  }
  return `[${parts.join(',')}]`;
}

function encodeObject(object: Record<string, unknown>, at: string): string {
  const prototype: unknown = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new CanonicalEncodingError(`${at}: only plain objects have a canonical form`);
  }
  const parts: string[] = [];
  // The default sort compares UTF-16 code units, which is the order RFC 8785 asks for.
  for (const key of Object.keys(object).sort()) {
    const item = object[key];
    if (item === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${encode(item, `${at}.${key}`)}`);
  }
  return `{${parts.join(',')}}`;
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

export function hmacSha256Hex(key: string, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}

/** A digest of any value: its canonical encoding hashed. Values without one (a NaN from a
 * model's JSON) fall back to JSON.stringify's text, so a digest is always there to record. */
export function digestOf(value: unknown): string {
  let text: string;
  try {
    text = canonicalJson(value);
  } catch (error) {
    if (!(error instanceof CanonicalEncodingError)) throw error;
    text = JSON.stringify(value) ?? 'undefined';
  }
  return sha256Hex(text);
}
