/**
 * The network allowlist: which hosts sandboxed commands may reach through ward's proxy.
 *
 * Entries and request hosts go through the same strict validation BEFORE any matching:
 * lowercase ASCII letters, digits, hyphens and dots only, in well-formed labels. So a NUL, a
 * space, a percent sign or any other byte cannot ride along into a suffix check
 * (`evil.com\0.allowed.com` is rejected, never matched), and matching is done on labels, so
 * `allowed.com.evil.com` is a host under evil.com, not under allowed.com.
 *
 * Numeric hosts are only ever canonical IPv4 or IPv6 literals matched exactly: the resolver
 * also reads `127.1`, `2130706433` and `0x7f.0.0.1` as 127.0.0.1, so any other all-numeric or
 * hex-looking final label is refused rather than guessed at.
 */
import { isIPv6 } from 'node:net';

export type DomainPattern =
  /** `example.com`: the host itself and every host under it. */
  | { readonly kind: 'domain'; readonly entry: string; readonly host: string }
  /** `*.example.com`: hosts under it, not example.com itself. */
  | { readonly kind: 'wildcard'; readonly entry: string; readonly suffix: string }
  /** `127.0.0.1`, `::1`: that address only. */
  | { readonly kind: 'ip'; readonly entry: string; readonly address: string };

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export interface RequestHost {
  /** Lowercase, without a trailing dot; IPv6 without brackets. */
  readonly host: string;
  readonly isIp: boolean;
}

export type HostMatch =
  | { readonly allowed: true; readonly entry: string; /** The host is the entry itself, not a host under it. */ readonly exact: boolean }
  | { readonly allowed: false; readonly reason: string };

const MAX_HOST_LENGTH = 253;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|[0-9]+)$/;
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const CANONICAL_IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

function fail<T>(reason: string): Parsed<T> {
  return { ok: false, reason };
}

/** Shown in reasons: control characters made visible, length bounded. */
export function printable(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}...` : text);
}

/** Canonical IPv6 text (the form the URL parser prints), or null. */
function canonicalIpv6(text: string): string | null {
  if (!isIPv6(text)) return null;
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
}

/**
 * Validates one host name or IP literal. `raw` may carry brackets around IPv6 and one trailing
 * dot (the fully qualified form); uppercase is folded, since DNS names are case-insensitive.
 */
export function parseHost(raw: string): Parsed<RequestHost> {
  if (raw.length === 0) return fail('empty host');
  if (raw.startsWith('[') && raw.endsWith(']')) {
    const address = canonicalIpv6(raw.slice(1, -1));
    return address === null ? fail(`${printable(raw)} is not a valid IPv6 address`) : ok({ host: address, isIp: true });
  }
  if (raw.includes(':')) {
    const address = canonicalIpv6(raw);
    return address === null ? fail(`${printable(raw)} is not a valid host name or address`) : ok({ host: address, isIp: true });
  }
  const lower = raw.toLowerCase();
  // Checked before anything else reads the name: NUL, spaces, %, _, non-ASCII never get further.
  if (!/^[a-z0-9.-]+$/.test(lower)) return fail(`${printable(raw)} contains characters not allowed in a host name`);
  const host = lower.endsWith('.') ? lower.slice(0, -1) : lower;
  if (host.length === 0 || host.length > MAX_HOST_LENGTH) return fail(`${printable(raw)} is not a valid host name length`);
  const labels = host.split('.');
  if (!labels.every((label) => LABEL.test(label))) return fail(`${printable(raw)} has an empty or malformed label`);
  if (NUMERIC_LABEL.test(labels[labels.length - 1] ?? '')) {
    return CANONICAL_IPV4.test(host) ? ok({ host, isIp: true }) : fail(`${printable(raw)} is a numeric host that is not a canonical IPv4 address`);
  }
  return ok({ host, isIp: false });
}

/** Validates one allowlist entry: a host name, `*.` and a host name, or an exact IP address. */
export function parseDomainEntry(entry: string): Parsed<DomainPattern> {
  if (/[/:@?#\s]/.test(entry) && !isIPv6(entry) && !(entry.startsWith('[') && entry.endsWith(']'))) {
    return fail(`${printable(entry)}: list host names only (no scheme, port, path or credentials)`);
  }
  const wildcard = entry.startsWith('*.');
  const rest = wildcard ? entry.slice(2) : entry;
  if (rest.includes('*')) return fail(`${printable(entry)}: a wildcard is only allowed as a leading "*."`);
  const parsed = parseHost(rest);
  if (!parsed.ok) return fail(`${printable(entry)}: ${parsed.reason}`);
  const { host, isIp } = parsed.value;
  if (isIp) {
    if (wildcard) return fail(`${printable(entry)}: an IP address cannot have a wildcard`);
    return ok({ kind: 'ip', entry, address: host });
  }
  // A bare top-level domain ("com", "*.com") would open a whole registry.
  if (!host.includes('.') && !(host === 'localhost' && !wildcard)) {
    return fail(`${printable(entry)}: name at least two labels (example.com), not a top-level domain`);
  }
  return wildcard ? ok({ kind: 'wildcard', entry, suffix: host }) : ok({ kind: 'domain', entry, host });
}

export class DomainAllowlistError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid network allowlist: ${problems.join('; ')}`);
    this.name = 'DomainAllowlistError';
    this.problems = problems;
  }
}

/** Parses a whole allowlist; throws a DomainAllowlistError naming every invalid entry. */
export function parseAllowlist(entries: readonly string[]): DomainPattern[] {
  const patterns: DomainPattern[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const parsed = parseDomainEntry(entry);
    if (parsed.ok) patterns.push(parsed.value);
    else problems.push(parsed.reason);
  }
  if (problems.length > 0) throw new DomainAllowlistError(problems);
  return patterns;
}

/**
 * Whether an already validated request host is allowed. An empty list allows nothing.
 * Matching is by whole labels: `a.example.com` is under `example.com`; `badexample.com` is not.
 */
export function matchHost(patterns: readonly DomainPattern[], request: RequestHost): HostMatch {
  for (const pattern of patterns) {
    if (pattern.kind === 'ip') {
      if (request.isIp && request.host === pattern.address) return { allowed: true, entry: pattern.entry, exact: true };
      continue;
    }
    if (request.isIp) continue;
    if (pattern.kind === 'domain') {
      if (request.host === pattern.host) return { allowed: true, entry: pattern.entry, exact: true };
      if (request.host.endsWith(`.${pattern.host}`)) return { allowed: true, entry: pattern.entry, exact: false };
    } else if (request.host.endsWith(`.${pattern.suffix}`)) {
      return { allowed: true, entry: pattern.entry, exact: false };
    }
  }
  return { allowed: false, reason: patterns.length === 0 ? 'the network allowlist is empty' : `${request.host} is not in the network allowlist` };
}
