/**
 * The part of an Arborist tree npm-packlist reads, built straight from the package directory.
 * npm hands npm-packlist a full Arborist tree; loading Arborist would be slow and heavy, and
 * npm-packlist only reads the root's package.json fields, its workspaces, and for
 * `bundleDependencies` the bundled packages and their own production dependencies, resolved the
 * way Arborist resolves them (own node_modules, then each enclosing package's, up to the root).
 */
import { glob, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { minimatch } from 'minimatch';
import type { PacklistEdge, PacklistNode, PacklistPackage } from 'npm-packlist';
import { parseManifest } from './manifest.ts';
import type { PackageManifest } from './types.ts';

interface TreeNode extends PacklistNode {
  readonly edgesOut: Map<string, PacklistEdge>;
}

interface TreeBuild {
  readonly root: string;
  readonly rootReal: string;
  /** One node per package directory on disk (by real path): this is also what ends dependency cycles. */
  readonly byRealPath: Map<string, TreeNode>;
}

/** The root node for npm-packlist: `root` is the package directory, `manifest` its parsed package.json. */
export async function buildPacklistTree(root: string, manifest: PackageManifest): Promise<PacklistNode> {
  const build: TreeBuild = { root, rootReal: await realpath(root), byRealPath: new Map() };
  const node = newNode(root, await packlistPackage(manifest, root), true, await workspaceMap(root, manifest.raw));
  build.byRealPath.set(build.rootReal, node);
  await addEdges(build, node, build.rootReal, manifest, true);
  return node;
}

function newNode(nodePath: string, pkg: PacklistPackage, isProjectRoot: boolean, workspaces?: Map<string, string>): TreeNode {
  const node: TreeNode = {
    path: nodePath,
    package: pkg,
    isProjectRoot,
    isLink: false,
    edgesOut: new Map(),
    workspaces,
    get target(): PacklistNode {
      return node;
    },
  };
  return node;
}

/**
 * Arborist's edge types, assigned in its order (peer, prod, optional, then dev on the root only):
 * the last assignment wins, so a name in both dependencies and devDependencies is a dev edge and,
 * like in npm, is not bundled.
 */
async function addEdges(build: TreeBuild, node: TreeNode, real: string, manifest: PackageManifest, isRoot: boolean): Promise<void> {
  const devDependencies = isRoot ? objectKeys(manifest.raw['devDependencies']) : new Set<string>();
  const wanted = isRoot
    ? manifest.bundleDependencies
    : [...Object.keys(manifest.dependencies), ...Object.keys(manifest.optionalDependencies)];
  for (const name of new Set(wanted)) {
    const dev = devDependencies.has(name);
    const runtime = name in manifest.dependencies || name in manifest.optionalDependencies;
    const peer = !dev && !runtime && name in manifest.peerDependencies;
    if (!dev && !runtime && !peer) continue;
    const to = dev || peer ? null : await resolveDependency(build, name, real);
    node.edgesOut.set(name, { peer, dev, to });
  }
}

/** Node's lookup as Arborist models it: own node_modules, then each enclosing package's, up to the root. */
async function resolveDependency(build: TreeBuild, name: string, fromReal: string): Promise<PacklistNode | null> {
  for (const dir of resolutionDirs(build.rootReal, fromReal)) {
    const location = path.join(dir, 'node_modules', name);
    const real = await realpath(location).catch(() => undefined);
    if (real === undefined || !(await stat(real).then((s) => s.isDirectory(), () => false))) continue;
    const target = build.byRealPath.get(real) ?? (await loadPackageNode(build, real));
    if (real === location) return target;
    return { path: treePath(build, location), package: target.package, isProjectRoot: false, isLink: true, target, edgesOut: new Map() };
  }
  return null;
}

function* resolutionDirs(rootReal: string, fromReal: string): Generator<string> {
  let dir: string | undefined = fromReal;
  while (dir !== undefined) {
    yield dir;
    if (dir === rootReal || !isInside(rootReal, dir)) return;
    const enclosing: string | undefined = /^(.*)[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+$/.exec(dir)?.[1];
    dir = enclosing !== undefined && (enclosing === rootReal || isInside(rootReal, enclosing)) ? enclosing : rootReal;
  }
}

async function loadPackageNode(build: TreeBuild, real: string): Promise<TreeNode> {
  const raw = await readJsonOrUndefined(path.join(real, 'package.json'));
  // Arborist keeps a package whose package.json is unreadable as a node with an empty manifest.
  const manifest = tryParseManifest(raw, real);
  const node = newNode(treePath(build, real), manifest ? await packlistPackage(manifest, real) : {}, false);
  build.byRealPath.set(real, node);
  if (manifest) await addEdges(build, node, real, manifest, false);
  return node;
}

function tryParseManifest(raw: unknown, where: string): PackageManifest | undefined {
  try {
    return parseManifest(raw, where);
  } catch {
    return undefined;
  }
}

/** Directories inside the package keep the path the caller gave; the rest are known by real path. */
function treePath(build: TreeBuild, real: string): string {
  return real === build.rootReal || isInside(build.rootReal, real) ? path.join(build.root, path.relative(build.rootReal, real)) : real;
}

/** The fields npm-packlist reads, normalised as Arborist's package.json loader does. */
async function packlistPackage(manifest: PackageManifest, dir: string): Promise<PacklistPackage> {
  const raw = manifest.raw;
  const patched = raw['patchedDependencies'];
  return {
    name: manifest.name,
    files: manifest.files,
    main: raw['main'],
    browser: raw['browser'],
    bin: await normalizedBin(raw, manifest.name, dir),
    bundleDependencies: manifest.bundleDependencies,
    dependencies: manifest.dependencies,
    optionalDependencies: manifest.optionalDependencies,
    patchedDependencies: typeof patched === 'object' && patched !== null ? (patched as Record<string, unknown>) : undefined,
  };
}

/** npm-normalize-package-bin, plus `directories.bin` expansion when there is no `bin`. */
async function normalizedBin(raw: Readonly<Record<string, unknown>>, name: string, dir: string): Promise<Record<string, string> | undefined> {
  const bin = raw['bin'];
  const directories = raw['directories'];
  const binDir = typeof directories === 'object' && directories !== null ? (directories as Record<string, unknown>)['bin'] : undefined;
  let entries: [string, unknown][] = [];
  if (!bin && typeof binDir === 'string' && binDir !== '') {
    const secured = path.posix.join('.', path.posix.join('/', binDir.replace(/\\/g, '/')));
    if (secured.startsWith('./')) return undefined;
    const found: string[] = [];
    try {
      for await (const file of glob('**', { cwd: path.resolve(dir, secured) })) found.push(file);
    } catch {
      // A missing bin directory declares no bins.
    }
    entries = found
      .map((file) => file.split(path.sep).join('/'))
      .filter((file) => file !== '' && !file.split('/').some((part) => part.startsWith('.')))
      .map((file) => [path.posix.basename(file), `${secured}/${file}`]);
  } else if (typeof bin === 'string') {
    entries = name ? [[name, bin]] : [];
  } else if (Array.isArray(bin)) {
    entries = bin.filter((file): file is string => typeof file === 'string').map((file) => [path.posix.basename(file), file]);
  } else if (typeof bin === 'object' && bin !== null) {
    entries = Object.entries(bin);
  }
  const clean: Record<string, string> = {};
  for (const [key, target] of entries) {
    const base = path.posix.join('/', path.posix.basename(key.replace(/\\|:/g, '/'))).slice(1);
    if (typeof target !== 'string' || !base) continue;
    const file = path.posix.join('/', target.replace(/\\/g, '/')).slice(1);
    if (file) clean[base] = file;
  }
  return Object.keys(clean).length > 0 ? clean : undefined;
}

/**
 * @npmcli/map-workspaces, reduced to what packlist needs: workspace name -> directory. Only set
 * when at least one workspace exists, as in Arborist (it changes how subdirectories are walked).
 */
async function workspaceMap(root: string, raw: Readonly<Record<string, unknown>>): Promise<Map<string, string> | undefined> {
  const declared = raw['workspaces'];
  const packages = typeof declared === 'object' && declared !== null && !Array.isArray(declared) ? (declared as Record<string, unknown>)['packages'] : declared;
  if (!Array.isArray(packages)) return undefined;
  const patterns = packages.filter((p): p is string => typeof p === 'string');
  const negated = patterns.filter((p) => /^!/.test(p)).map((p) => p.replace(/^!+/, '').replace(/^\.?\/+/, ''));
  const positive = patterns.filter((p) => !/^!/.test(p)).map((p) => p.replace(/^\.?\/+/, '').replace(/\/+$/, ''));
  const result = new Map<string, string>();
  for (const pattern of positive) {
    for await (const match of glob(pattern, { cwd: root })) {
      const rel = match.split(path.sep).join('/');
      if (rel.split('/').includes('node_modules') || negated.some((n) => minimatch(rel, n))) continue;
      const dirPath = path.join(root, rel);
      const pkg = await readJsonOrUndefined(path.join(dirPath, 'package.json'));
      if (pkg === undefined) continue;
      const pkgName = typeof pkg === 'object' && pkg !== null && 'name' in pkg && typeof pkg.name === 'string' && pkg.name ? pkg.name : folderName(dirPath);
      if (!result.has(pkgName)) result.set(pkgName, dirPath);
    }
  }
  return result.size > 0 ? result : undefined;
}

function folderName(dir: string): string {
  const base = path.basename(dir);
  const parent = path.basename(path.dirname(dir));
  return parent.startsWith('@') ? `${parent}/${base}` : base;
}

function objectKeys(value: unknown): Set<string> {
  return new Set(typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : []);
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** package.json of a dependency or workspace: unreadable or invalid counts as absent, as in Arborist. */
async function readJsonOrUndefined(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
