/**
 * Reading source maps as published: the `sourceMappingURL` comments of generated files, the
 * maps themselves (external `.map` files and inline `data:` URLs), and where each listed source
 * lives relative to the package. The policy (what is an error) is in source-maps.ts.
 *
 * Comments are found with `Buffer.indexOf` on the literal `sourceMappingURL=` and checked
 * backwards for a comment opener, so a 10 MB bundle costs one linear scan and no regex.
 */
import { posix } from 'node:path';
import { z } from 'zod';

const sectionMapSchema = z.looseObject({
  sourceRoot: z.string().nullish(),
  sources: z.array(z.string().nullable()),
  sourcesContent: z.array(z.string().nullable()).nullish(),
  mappings: z.string(),
});

const versionSchema = z.union([z.literal(3), z.literal('3')]).optional();

/** Source map v3 (ECMA-426): a plain map, or an index map whose sections embed maps. */
const plainMapSchema = sectionMapSchema.extend({ version: versionSchema });
const indexMapSchema = z.looseObject({
  version: versionSchema,
  sections: z.array(z.looseObject({ map: sectionMapSchema.optional(), url: z.string().optional() })),
});

export interface MapSource {
  /** The `sources` entry with `sourceRoot` applied, as the map states it; null for a null entry. */
  readonly name: string | null;
  /** The embedded text, when `sourcesContent` carries a non-blank entry for it. */
  readonly content: string | null;
}

export type MapReading =
  | { readonly ok: true; readonly sources: readonly MapSource[] }
  | { readonly ok: false; readonly problem: string; readonly isJson: boolean; readonly looksLikeMap: boolean };

function applySourceRoot(sourceRoot: string | null | undefined, source: string): string {
  if (sourceRoot === null || sourceRoot === undefined || sourceRoot === '' || hasScheme(source) || source.startsWith('/')) return source;
  return sourceRoot.endsWith('/') ? sourceRoot + source : `${sourceRoot}/${source}`;
}

function sourcesOf(map: z.infer<typeof sectionMapSchema>): MapSource[] {
  const contents = map.sourcesContent ?? [];
  const count = Math.max(map.sources.length, contents.length);
  const result: MapSource[] = [];
  for (let index = 0; index < count; index += 1) {
    const source = map.sources[index] ?? null;
    const content = contents[index] ?? null;
    result.push({
      name: source === null ? null : applySourceRoot(map.sourceRoot, source),
      content: content !== null && content.trim() !== '' ? content : null,
    });
  }
  return result;
}

/** Parses a map's text; every problem is described for the maintainer, never thrown. */
export function readSourceMap(text: string): MapReading {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\)\]\}'[^\n]*\n/, ''));
  } catch {
    return { ok: false, problem: 'it is not valid JSON', isJson: false, looksLikeMap: false };
  }
  const record = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  if ('sections' in record) {
    const index = indexMapSchema.safeParse(json);
    if (index.success) return { ok: true, sources: index.data.sections.flatMap((section) => (section.map === undefined ? [] : sourcesOf(section.map))) };
    return notAMap(index.error, true);
  }
  const plain = plainMapSchema.safeParse(json);
  if (plain.success) return { ok: true, sources: sourcesOf(plain.data) };
  return notAMap(plain.error, 'mappings' in record || 'sources' in record);
}

function notAMap(error: z.ZodError, looksLikeMap: boolean): MapReading {
  const issue = error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : ` at "${issue.path.join('.')}"`;
  return { ok: false, problem: `it is JSON but not a version 3 source map (${issue?.message ?? 'invalid'}${where})`, isJson: true, looksLikeMap };
}

export interface MappingComment {
  /** The URL exactly as written after `sourceMappingURL=`. */
  readonly url: string;
}

const MARKER = Buffer.from('sourceMappingURL=');
const isSpace = (byte: number): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0c;
/** Quotes and template syntax end a URL: they mean the "comment" is text inside code. */
const isUrlEnd = (byte: number): boolean => isSpace(byte) || byte === 0x22 || byte === 0x27 || byte === 0x60;

/**
 * Every `//# sourceMappingURL=`, `//@ sourceMappingURL=` and `/*# sourceMappingURL= *\/` in the
 * file, in order. Only the last one is the file's link (ECMA-426), but every one is returned:
 * concatenated files can carry several inline maps, each of them shipped bytes.
 */
export function findSourceMappingComments(bytes: Buffer): MappingComment[] {
  const comments: MappingComment[] = [];
  for (let at = bytes.indexOf(MARKER); at !== -1; at = bytes.indexOf(MARKER, at + MARKER.length)) {
    let back = at - 1;
    while (back >= 0 && (bytes[back] === 0x20 || bytes[back] === 0x09)) back -= 1;
    const pragma = bytes[back];
    const slash = bytes[back - 2];
    const opener = bytes[back - 1];
    if ((pragma !== 0x23 && pragma !== 0x40) || slash !== 0x2f || (opener !== 0x2f && opener !== 0x2a)) continue;
    let end = at + MARKER.length;
    while (end < bytes.length && !isUrlEnd(bytes[end] ?? 0)) {
      if (opener === 0x2a && bytes[end] === 0x2a && bytes[end + 1] === 0x2f) break;
      end += 1;
    }
    const url = bytes.toString('latin1', at + MARKER.length, end);
    if (url === '' || url.includes('${')) continue;
    comments.push({ url });
  }
  return comments;
}

export function hasScheme(url: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(url) && !/^[A-Za-z]:[\\/]/.test(url);
}

export function isDataUrl(url: string): boolean {
  return /^data:/i.test(url);
}

export function isRemoteUrl(url: string): boolean {
  return /^(?:https?:)?\/\//i.test(url);
}

/** The JSON text of an inline `data:` map, or null when the URL cannot be decoded. */
export function decodeDataUrl(url: string): string | null {
  const comma = url.indexOf(',');
  if (comma === -1) return null;
  const meta = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  try {
    return /;base64$/i.test(meta) ? Buffer.from(payload, 'base64').toString('utf8') : decodeURIComponent(payload);
  } catch {
    return null;
  }
}

/**
 * The package path a `sourceMappingURL` points at, from the file that carries it; null when it
 * leaves the package or is a URL (remote, data:).
 */
export function resolveMapUrl(fromFile: string, url: string): string | null {
  if (hasScheme(url) || url.startsWith('//')) return null;
  let path = url.replace(/[?#].*$/, '');
  try {
    path = decodeURIComponent(path);
  } catch {
    // A stray `%` is kept as written; the lookup simply fails.
  }
  // A root-relative URL (`/dist/x.js.map`) is read against the package root: the most generous
  // reading, so a map is never called unlinked because of how its link is spelled.
  const resolved = path.startsWith('/') ? posix.normalize(path.slice(1)) : posix.normalize(posix.join(posix.dirname(fromFile), path));
  return resolved.startsWith('../') || resolved === '..' ? null : resolved;
}

/** First path segments of absolute paths that belong to a build machine, not to a URL space. */
const HOST_ROOTS = new Set([
  'home', 'Users', 'root', 'tmp', 'private', 'var', 'opt', 'mnt', 'srv', 'usr', 'Volumes', 'builds', 'runner',
  'github', 'workspace', 'workspaces', 'build', 'codebuild', 'buildkite', 'jenkins', 'drone', 'data', 'app', 'media',
]);

export type SourceLocation =
  | { readonly kind: 'inside'; readonly path: string }
  /** Above the package root: `climbs` levels of `..` past it, then `path` (with the `../`s). */
  | { readonly kind: 'outside'; readonly path: string; readonly climbs: number; readonly thirdParty: boolean; readonly revealsHost: boolean }
  | { readonly kind: 'absolute'; readonly path: string }
  /** A URL in its own namespace (`webpack://`, `ng://`, `https://`): not a file path at all. */
  | { readonly kind: 'url'; readonly path: string };

/**
 * Where a source lives, for a map published at `mapFile` (for an inline map, the file that
 * carries it: ECMA-426 resolves sources against the map's own URL).
 */
export function locateSource(name: string, mapFile: string): SourceLocation {
  const slashed = name.replace(/\\/g, '/');
  // Drive letters, UNC shares (`\\host\share`) and file: URLs all name a file on the build machine.
  if (/^[A-Za-z]:\//.test(slashed) || name.startsWith('\\\\') || /^file:/i.test(slashed)) return { kind: 'absolute', path: name };
  // Other schemes, and protocol-relative `//host/...`, are URLs in their own namespace.
  if (hasScheme(slashed) || slashed.startsWith('//')) return { kind: 'url', path: name };
  if (slashed.startsWith('/')) {
    const first = slashed.split('/')[1] ?? '';
    // `/src/index.ts` is a root-relative URL some bundlers write; `/home/ci/...` is a machine.
    return HOST_ROOTS.has(first) ? { kind: 'absolute', path: name } : { kind: 'inside', path: posix.normalize(slashed.slice(1)) };
  }
  const resolved = posix.normalize(posix.join(posix.dirname(mapFile), slashed));
  if (!resolved.startsWith('../') && resolved !== '..') return { kind: 'inside', path: resolved };
  const segments = resolved.split('/');
  const climbs = segments.findIndex((segment) => segment !== '..');
  const rest = segments.slice(climbs === -1 ? segments.length : climbs);
  return {
    kind: 'outside',
    path: resolved,
    climbs: climbs === -1 ? segments.length : climbs,
    thirdParty: rest.includes('node_modules'),
    revealsHost: climbs > 3 || HOST_ROOTS.has(rest[0] ?? ''),
  };
}

/**
 * The paths a confidential glob may be meant to match: the package path for sources inside the
 * package; for the others every tail of the path (`/home/ci/app/src/secret/x.ts` names
 * `src/secret/x.ts`), because a glob is written against the package's own layout.
 */
export function pathCandidates(location: SourceLocation): string[] {
  if (location.kind === 'inside') return [location.path];
  const path = location.path.replace(/\\/g, '/').replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/*/, '');
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
  return segments.map((_, index) => segments.slice(index).join('/'));
}
