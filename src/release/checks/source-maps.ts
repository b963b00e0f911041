/**
 * Source maps that ship source code, or point where they should not.
 *
 * Embedded source (`sourcesContent`) is normal in open-source packages, so its severity is
 * policy: an error when the package is closed source, when the map is an external file that no
 * published file links to (the shape of the 2026 incident: a bundle's map carrying the whole
 * product, published by accident next to a bundle that never referenced it), or when an
 * embedded file matches a confidential glob; information otherwise. The shape of `sources`
 * paths alone is never an error: at most a warning, because ordinary packages built in a
 * monorepo or with older tools carry odd paths and harm nobody.
 */
import { createHash } from 'node:crypto';
import { isOpenSource, type OpenSourceVerdict } from '../license.ts';
import { compileGlobs, type PathMatcher } from '../path-globs.ts';
import type { CheckContext, Finding, PackageFile, RuleId } from '../types.ts';
import {
  decodeDataUrl,
  findSourceMappingComments,
  isDataUrl,
  isRemoteUrl,
  locateSource,
  pathCandidates,
  readSourceMap,
  resolveMapUrl,
  type MapSource,
  type SourceLocation,
} from './source-map-files.ts';

/** Files that can carry a `sourceMappingURL` comment (declaration files link declaration maps). */
const GENERATED_FILE = /\.(?:[cm]?jsx?|css|[cm]?tsx?)$/i;
/** Names that announce a source map even when the content is broken. */
const MAP_OF_CODE = /\.(?:[cm]?jsx?|css|[cm]?tsx?)\.map$/i;
/** Read in small batches: bounded memory for big maps, bounded open files for big packages. */
const BATCH = 16;
/** More informational findings of one kind than this become one summary finding. */
const INFO_LIMIT = 3;

const FIX_EMBEDDED =
  'Build without sourcesContent (esbuild `sourcesContent: false`; tsc `"inlineSources": false`; Rollup/Vite ' +
  '`output.sourcemapExcludeSources: true`; webpack `devtool: "nosources-source-map"`), or stop publishing the map ' +
  '(leave `*.map` out of the "files" allowlist in package.json, or add it to .npmignore).';

interface MapUnderReview {
  /** The .map file, or the generated file that carries an inline map. */
  readonly file: string;
  readonly inline: boolean;
  readonly linked: boolean;
  readonly sources: readonly MapSource[];
}

interface Policy {
  readonly license: OpenSourceVerdict;
  readonly confidential: PathMatcher;
  readonly hasConfidential: boolean;
}

function fingerprint(rule: RuleId, file: string): string {
  return createHash('sha256').update(`${rule}\0${file}`).digest('hex').slice(0, 16);
}

function finding(rule: RuleId, severity: Finding['severity'], file: string, reason: string, fix: string): Finding {
  return { rule, severity, file, reason, fix, fingerprint: fingerprint(rule, file) };
}

async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += BATCH) {
    results.push(...(await Promise.all(items.slice(start, start + BATCH).map(work))));
  }
  return results;
}

function describeList(names: readonly string[], limit = 3): string {
  const shown = names.slice(0, limit).join(', ');
  return names.length > limit ? `${shown} and ${names.length - limit} more` : shown;
}

function displayName(source: MapSource, location: SourceLocation | null, index: number): string {
  if (source.name === null) return `(unnamed source #${index + 1})`;
  return location?.kind === 'inside' ? location.path : source.name;
}

function embeddedFinding(map: MapUnderReview, policy: Policy, located: readonly (SourceLocation | null)[]): Finding | null {
  const embedded: string[] = [];
  const confidential: string[] = [];
  let bytes = 0;
  map.sources.forEach((source, index) => {
    if (source.content === null) return;
    const location = located[index] ?? null;
    const name = displayName(source, location, index);
    embedded.push(name);
    bytes += Buffer.byteLength(source.content);
    if (policy.hasConfidential && location !== null && pathCandidates(location).some(policy.confidential)) confidential.push(name);
  });
  if (embedded.length === 0) return null;

  const what = map.inline ? 'The inline source map in this file' : 'This source map';
  const carries = `${what} carries the full text of ${embedded.length} source file${embedded.length === 1 ? '' : 's'} ` +
    `(${bytes.toLocaleString('en-US')} bytes) in sourcesContent, e.g. ${describeList(embedded)}.`;
  const blockers: string[] = [];
  if (!policy.license.open) blockers.push(`the package is not open source (${policy.license.why})`);
  if (!map.inline && !map.linked) {
    blockers.push('no published file links to this map (no sourceMappingURL comment points at it), the signature of a map published by accident');
  }
  if (confidential.length > 0) blockers.push(`it embeds files matching the "confidential" globs: ${describeList(confidential)}`);
  if (blockers.length === 0) {
    return finding('sourcemap-embedded-source', 'info', map.file, `${carries} This is common in open-source packages (${policy.license.why}).`,
      `Nothing to do if publishing this source is intended. To ship lighter maps: ${FIX_EMBEDDED}`);
  }
  const extra = confidential.length > 0 ? ' Keep the confidential files out of this bundle, or fix the "confidential" globs if they are wrong.' : '';
  return finding('sourcemap-embedded-source', 'error', map.file, `${carries} Anyone who installs the package can read that source: ${blockers.join('; ')}.`, FIX_EMBEDDED + extra);
}

function pathFindings(map: MapUnderReview, located: readonly (SourceLocation | null)[]): { absolute: Finding | null; outside: Finding | null } {
  const absolute: string[] = [];
  const outside: string[] = [];
  let revealsHost = false;
  let outsideEmbedded = 0;
  map.sources.forEach((source, index) => {
    const location = located[index] ?? null;
    if (location?.kind === 'absolute') absolute.push(location.path);
    if (location?.kind === 'outside' && !location.thirdParty) {
      outside.push(location.path);
      revealsHost ||= location.revealsHost;
      if (source.content !== null) outsideEmbedded += 1;
    }
  });
  const absoluteFinding = absolute.length === 0 ? null : finding('sourcemap-absolute-sources', 'warning', map.file,
    `${absolute.length} "sources" entr${absolute.length === 1 ? 'y is an absolute path' : 'ies are absolute paths'} on the build machine ` +
    `(${describeList(absolute)}), which publishes its directory layout and user names and resolves on no one else's machine.`,
    'Make the paths relative: build from the package directory with relative source paths (esbuild `sourceRoot`, tsc `"sourceRoot"`, ' +
    'webpack `output.devtoolModuleFilenameTemplate`), or rewrite them (Rollup `sourcemapPathTransform`).');
  if (outside.length === 0) return { absolute: absoluteFinding, outside: null };
  const embeddedNote = outsideEmbedded > 0 ? ` ${outsideEmbedded} of them ship their full text in sourcesContent.` : ' Their text is not embedded.';
  const outsideFinding = finding('sourcemap-outside-sources', revealsHost ? 'warning' : 'info', map.file,
    `${outside.length} "sources" entr${outside.length === 1 ? 'y points' : 'ies point'} outside the package (${describeList(outside)}).` +
    embeddedNote + (revealsHost ? ' The paths climb out of the project and name the build machine\'s directories.' : ' Usual for a package built inside a monorepo.'),
    revealsHost
      ? 'Build from inside the project so source paths stay relative to it, or rewrite them (Rollup `sourcemapPathTransform`, webpack `output.devtoolModuleFilenameTemplate`).'
      : 'Nothing to do unless those files are private; to keep them out, build without sourcesContent or exclude them from the bundle.');
  return { absolute: absoluteFinding, outside: outsideFinding };
}

function reviewMap(map: MapUnderReview, policy: Policy): Finding[] {
  const located = map.sources.map((source) => (source.name === null ? null : locateSource(source.name, map.file)));
  const findings: Finding[] = [];
  const embedded = embeddedFinding(map, policy, located);
  if (embedded !== null) findings.push(embedded);
  else if (!map.inline && !map.linked) {
    findings.push(finding('sourcemap-unlinked', 'info', map.file,
      'No published file links to this source map (no sourceMappingURL comment points at it). It carries no source text, so it only exposes file names, but no tool will ever load it.',
      'Leave it out of the package ("files" allowlist or .npmignore), or link it from the generated file with a `//# sourceMappingURL=` comment.'));
  }
  const paths = pathFindings(map, located);
  if (paths.absolute !== null) findings.push(paths.absolute);
  if (paths.outside !== null) findings.push(paths.outside);
  return findings;
}

/** Many informational findings of one rule become one, so a 300-map library reads as one fact. */
function summarizeInfos(findings: readonly Finding[]): Finding[] {
  const infosByRule = new Map<RuleId, Finding[]>();
  const kept: Finding[] = [];
  for (const item of findings) {
    if (item.severity !== 'info') {
      kept.push(item);
      continue;
    }
    const group = infosByRule.get(item.rule) ?? [];
    group.push(item);
    infosByRule.set(item.rule, group);
  }
  for (const [rule, group] of infosByRule) {
    const first = group[0];
    if (first === undefined) continue;
    if (group.length <= INFO_LIMIT) {
      kept.push(...group);
      continue;
    }
    const files = group.map((item) => item.file ?? '');
    kept.push({
      rule,
      severity: 'info',
      file: first.file,
      reason: `${group.length} files share this finding (${describeList(files)}). For example, ${first.file ?? ''}: ${first.reason}`,
      fix: first.fix,
      fingerprint: fingerprint(rule, `${group.length} files`),
    });
  }
  return kept;
}

function readMapFinding(file: string, problem: string): Finding {
  return finding('sourcemap-unreadable', 'warning', file, `This file is published as a source map but cannot be read as one: ${problem}. The gate could not check whether it carries source.`,
    'Regenerate the map with your build tool, or leave it out of the package ("files" allowlist or .npmignore).');
}

interface GeneratedFileReading {
  readonly findings: Finding[];
  readonly inlineMaps: MapUnderReview[];
}

/** A generated file's sourceMappingURL comments: links (added to `linked`), inline maps, broken or remote links. */
async function readGeneratedFile(file: PackageFile, published: ReadonlySet<string>, linked: Set<string>): Promise<GeneratedFileReading> {
  const result: GeneratedFileReading = { findings: [], inlineMaps: [] };
  const comments = findSourceMappingComments(await file.read());
  comments.forEach((comment, index) => {
    if (isDataUrl(comment.url)) {
      const text = decodeDataUrl(comment.url);
      const reading = text === null ? null : readSourceMap(text);
      if (reading?.ok === true) result.inlineMaps.push({ file: file.path, inline: true, linked: true, sources: reading.sources });
      else result.findings.push(readMapFinding(file.path, `its inline data: URL ${reading === null ? 'cannot be decoded' : reading.problem}`));
      return;
    }
    const target = resolveMapUrl(file.path, comment.url);
    if (target !== null) linked.add(target);
    // Only the last comment is the file's link (ECMA-426); earlier ones are leftovers of concatenation.
    if (index !== comments.length - 1) return;
    if (isRemoteUrl(comment.url)) {
      result.findings.push(finding('sourcemap-remote-url', 'warning', file.path,
        `The sourceMappingURL comment points at a remote map (${comment.url}): debuggers fetch it from that server, which may serve source code that is not in the package, and whoever controls the URL controls what is shown.`,
        'Publish the map inside the package with a relative sourceMappingURL, or remove the comment (for example esbuild `sourcemap: "external"` or `sourcemap: false`).'));
    } else if (target === null || !published.has(target)) {
      result.findings.push(finding('sourcemap-missing-map', 'info', file.path,
        `The sourceMappingURL comment points at ${comment.url}, which is not in the package: harmless, but debuggers and stack traces will not find the map.`,
        'Publish the map (add it to the "files" allowlist) or build without the sourceMappingURL comment (esbuild `sourcemap: "external"`, tsc `"sourceMap": false`).'));
    }
  });
  return result;
}

export async function checkSourceMaps(ctx: CheckContext): Promise<Finding[]> {
  const files = ctx.pkg.files;
  const published = new Set(files.map((file) => file.path));
  const policy: Policy = {
    license: isOpenSource(ctx.pkg.manifest, ctx.config),
    confidential: compileGlobs(ctx.config.confidential),
    hasConfidential: ctx.config.confidential.length > 0,
  };

  // Every link first: whether a .map is linked depends on all generated files.
  const linked = new Set<string>();
  const generated = await inBatches(files.filter((file) => GENERATED_FILE.test(file.path)), (file) => readGeneratedFile(file, published, linked));
  const findings: Finding[] = generated.flatMap((result) => result.findings);

  const mapFiles = files.filter((file) => file.path.toLowerCase().endsWith('.map'));
  const external = await inBatches(mapFiles, async (file: PackageFile): Promise<Finding[]> => {
    const reading = readSourceMap((await file.read()).toString('utf8'));
    if (reading.ok) return reviewMap({ file: file.path, inline: false, linked: linked.has(file.path), sources: reading.sources }, policy);
    // A `.map` that is neither JSON nor named after code (`keyboard.map`, a linker map) is not a source map at all.
    const meantAsMap = linked.has(file.path) || MAP_OF_CODE.test(file.path) || reading.looksLikeMap;
    return meantAsMap ? [readMapFinding(file.path, reading.problem)] : [];
  });
  findings.push(...external.flat());
  for (const map of generated.flatMap((result) => result.inlineMaps)) findings.push(...reviewMap(map, policy));
  return summarizeInfos(findings);
}
