/**
 * Fetches the version published before the one being released, so the gate can compare the
 * two (new files, new install scripts, new dependencies, size). Reads the registry the way npm
 * does: the (abbreviated) packument at `<registry>/<name>`, then the tarball it names, checked
 * against the packument's integrity before a single byte of it is trusted.
 *
 * Three outcomes besides success, kept apart because they mean different things to the user:
 * the package was never published (nothing to compare, say so and move on), the registry could
 * not be reached (the comparison was skipped, which the report must not present as "clean"),
 * and the tarball does not match its checksum (tampering or corruption: an input error).
 *
 * No authentication: private registries that need a token are reported as unavailable, and the
 * user can pass the previous .tgz on the command line instead. The registry URL comes from the
 * caller (npm_config_registry or the default); this module never reads the environment.
 */
import { createHash } from 'node:crypto';
import semver from 'semver';
import { z } from 'zod';
import { ReleaseInputError } from './errors.ts';

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';
const DEFAULT_TIMEOUT_MS = 30_000;
/** Far above any real packument or tarball; stops a misbehaving server from exhausting memory. */
const MAX_BODY_BYTES = 512 * 1024 * 1024;

export interface RegistryOptions {
  /** Base URL of the registry, e.g. https://registry.npmjs.org/. */
  readonly registry: string;
  readonly fetch?: typeof fetch;
  /** For the whole lookup (packument and tarball together). */
  readonly timeoutMs?: number;
}

export type PreviousVersionResult =
  | {
      readonly status: 'found';
      readonly version: string;
      readonly tarball: Buffer;
      /** The tarball URL, for the report. */
      readonly source: string;
    }
  /** Never published, or only versions that are not lower than this one: nothing to compare. */
  | { readonly status: 'none'; readonly reason: string }
  /** The registry could not be asked or did not answer usefully: the comparison was skipped. */
  | { readonly status: 'unavailable'; readonly reason: string };

const distSchema = z.looseObject({
  tarball: z.string().min(1),
  integrity: z.string().optional(),
  shasum: z.string().optional(),
});

// Only the chosen version's entry is validated: a malformed entry for some old version
// elsewhere in the document must not stop the comparison.
const packumentSchema = z.looseObject({ versions: z.record(z.string(), z.unknown()) });
const versionSchema = z.looseObject({ dist: distSchema });

type Dist = z.infer<typeof distSchema>;

/** npm's own escaping: only the scope separator is encoded (`@scope%2fname`). */
export function packumentUrl(registry: string, name: string): string {
  const base = registry.endsWith('/') ? registry : `${registry}/`;
  return new URL(name.replace('/', '%2f'), base).toString();
}

export async function fetchPreviousVersion(
  name: string,
  version: string,
  options: RegistryOptions,
): Promise<PreviousVersionResult> {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  let url: string;
  try {
    url = packumentUrl(options.registry, name);
  } catch {
    return { status: 'unavailable', reason: `the registry URL ${displayUrl(options.registry)} is not a valid URL` };
  }
  const parsedUrl = new URL(url);
  if (parsedUrl.username !== '' || parsedUrl.password !== '') {
    return {
      status: 'unavailable',
      reason: `the registry URL ${displayUrl(options.registry)} carries credentials, and the gate does not authenticate; pass the previous version's .tgz instead`,
    };
  }

  const packumentResponse = await request(doFetch, url, signal, timeoutMs, {
    // The abbreviated document npm itself installs from: versions and dist only, much smaller.
    accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8',
  });
  if ('failure' in packumentResponse) return { status: 'unavailable', reason: packumentResponse.failure };
  const { response } = packumentResponse;
  if (response.status === 404) {
    await response.body?.cancel();
    return { status: 'none', reason: `${name} has never been published to ${displayUrl(options.registry)}` };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { status: 'unavailable', reason: httpFailure(response.status, url) };
  }
  const body = await readBody(response, signal, timeoutMs, url);
  if ('failure' in body) return { status: 'unavailable', reason: body.failure };

  let raw: unknown;
  try {
    raw = JSON.parse(body.bytes.toString('utf8'));
  } catch {
    return { status: 'unavailable', reason: `${displayUrl(url)} did not return JSON` };
  }
  const parsed = packumentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined || issue.path.length === 0 ? '(document)' : issue.path.join('.');
    return { status: 'unavailable', reason: `${displayUrl(url)} is not an npm package document (${field}: ${issue?.message ?? 'invalid'})` };
  }

  const previous = pickPrevious(Object.keys(parsed.data.versions), version);
  if (previous === undefined) {
    return { status: 'none', reason: `no version of ${name} lower than ${version} is published on ${displayUrl(options.registry)}` };
  }
  const entry = versionSchema.safeParse(parsed.data.versions[previous]);
  if (!entry.success) {
    return { status: 'unavailable', reason: `${displayUrl(url)} lists ${previous} without a usable dist.tarball (${z.prettifyError(entry.error)})` };
  }
  const dist = entry.data.dist;

  let tarballUrl: URL;
  try {
    tarballUrl = new URL(dist.tarball, url);
  } catch {
    return { status: 'unavailable', reason: `${name}@${previous} has an invalid tarball URL: ${dist.tarball}` };
  }
  if (tarballUrl.protocol !== 'https:' && tarballUrl.protocol !== 'http:') {
    return { status: 'unavailable', reason: `${name}@${previous} has a tarball URL that is not http(s): ${displayUrl(tarballUrl.toString())}` };
  }
  const tarballResponse = await request(doFetch, tarballUrl.toString(), signal, timeoutMs, {});
  if ('failure' in tarballResponse) return { status: 'unavailable', reason: tarballResponse.failure };
  if (!tarballResponse.response.ok) {
    await tarballResponse.response.body?.cancel();
    return { status: 'unavailable', reason: httpFailure(tarballResponse.response.status, tarballUrl.toString()) };
  }
  const tarball = await readBody(tarballResponse.response, signal, timeoutMs, tarballUrl.toString());
  if ('failure' in tarball) return { status: 'unavailable', reason: tarball.failure };

  const source = displayUrl(tarballUrl.toString());
  const check = verifyIntegrity(tarball.bytes, dist);
  if (check.result === 'unverifiable') {
    return { status: 'unavailable', reason: `${name}@${previous} has no sha512/sha384/sha256/sha1 checksum in the registry, so its tarball cannot be trusted` };
  }
  if (check.result === 'mismatch') {
    throw new ReleaseInputError(
      `the tarball of ${name}@${previous} downloaded from ${source} does not match the checksum the registry publishes for it ` +
        `(${check.detail}); it was corrupted or tampered with in transit or on the registry. Retry, check any proxy between you and ` +
        `the registry, or compare against a .tgz you trust instead`,
    );
  }
  return { status: 'found', version: previous, tarball: tarball.bytes, source };
}

/** The highest version lower than `current`; prereleases only count when releasing a prerelease. */
export function pickPrevious(published: readonly string[], current: string): string | undefined {
  const currentVersion = semver.parse(current);
  if (currentVersion === null) return undefined;
  const includePrerelease = currentVersion.prerelease.length > 0;
  let best: string | undefined;
  for (const candidate of published) {
    const parsed = semver.parse(candidate);
    if (parsed === null) continue;
    if (parsed.prerelease.length > 0 && !includePrerelease) continue;
    if (semver.compare(parsed, currentVersion) >= 0) continue;
    if (best === undefined || semver.compare(parsed, best) > 0) best = candidate;
  }
  return best;
}

export type IntegrityCheck =
  | { readonly result: 'ok' }
  | { readonly result: 'unverifiable' }
  | { readonly result: 'mismatch'; readonly detail: string };

const SRI_ALGORITHMS = ['sha512', 'sha384', 'sha256', 'sha1'] as const;

/**
 * Checks the strongest hash the packument gives (SRI `integrity`, then the legacy hex `shasum`).
 * 'unverifiable' when there is no usable hash at all.
 */
export function verifyIntegrity(bytes: Buffer, dist: Pick<Dist, 'integrity' | 'shasum'>): IntegrityCheck {
  const entries = (dist.integrity ?? '').split(/\s+/).filter((entry) => entry !== '');
  for (const algorithm of SRI_ALGORITHMS) {
    const expected = entries
      .filter((entry) => entry.startsWith(`${algorithm}-`))
      .map((entry) => entry.slice(algorithm.length + 1).split('?')[0] ?? '');
    if (expected.length === 0) continue;
    const actual = createHash(algorithm).update(bytes).digest('base64');
    if (expected.includes(actual)) return { result: 'ok' };
    return { result: 'mismatch', detail: `expected ${algorithm}-${expected[0] ?? ''}, got ${algorithm}-${actual}` };
  }
  if (dist.shasum !== undefined && /^[0-9a-f]{40}$/i.test(dist.shasum)) {
    const actual = createHash('sha1').update(bytes).digest('hex');
    if (actual === dist.shasum.toLowerCase()) return { result: 'ok' };
    return { result: 'mismatch', detail: `expected shasum ${dist.shasum}, got ${actual}` };
  }
  return { result: 'unverifiable' };
}

async function request(
  doFetch: typeof fetch,
  url: string,
  signal: AbortSignal,
  timeoutMs: number,
  headers: Record<string, string>,
): Promise<{ response: Response } | { failure: string }> {
  try {
    return { response: await doFetch(url, { headers, signal, redirect: 'follow' }) };
  } catch (error) {
    return { failure: networkFailure(error, url, timeoutMs) };
  }
}

async function readBody(
  response: Response,
  signal: AbortSignal,
  timeoutMs: number,
  url: string,
): Promise<{ bytes: Buffer } | { failure: string }> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    return { failure: `${displayUrl(url)} is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB` };
  }
  if (response.body === null) return { bytes: Buffer.alloc(0) };
  const chunks: Buffer[] = [];
  let total = 0;
  // undici types the body as ReadableStream<any>; it yields bytes.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_BODY_BYTES) {
        await reader.cancel();
        return { failure: `${displayUrl(url)} is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB` };
      }
      chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    }
  } catch (error) {
    if (signal.aborted) return { failure: `the registry did not answer within ${timeoutMs} ms (${displayUrl(url)})` };
    return { failure: networkFailure(error, url, timeoutMs) };
  }
  return { bytes: Buffer.concat(chunks) };
}

function networkFailure(error: unknown, url: string, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `the registry did not answer within ${timeoutMs} ms (${displayUrl(url)})`;
  }
  // undici puts the system error (ECONNREFUSED, ENOTFOUND, ...) in `cause`.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const detail = code ?? (cause instanceof Error ? cause.message : String(cause));
  return `could not reach ${displayUrl(url)} (${stripCredentials(detail)})`;
}

function httpFailure(status: number, url: string): string {
  if (status === 401 || status === 403) {
    return `${displayUrl(url)} answered HTTP ${status}: the package needs authentication, which the gate does not send; pass the previous version's .tgz instead`;
  }
  return `${displayUrl(url)} answered HTTP ${status}`;
}

/** A URL fit for a report: never with credentials in it. */
function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return stripCredentials(url);
  }
}

function stripCredentials(text: string): string {
  return text.replace(/(\/\/)[^/@\s]*@/g, '$1');
}
