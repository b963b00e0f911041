/**
 * A minimal npm registry on loopback for tests: serves packuments (`GET /<name>`, scoped names
 * only in npm's escaped form `@scope%2fname`) and tarballs (`GET /<name>/-/<file>.tgz`), the two
 * requests the release gate makes. Tarballs come from real `npm pack` runs (packFixture), and
 * each version's published checksum can be overridden to simulate tampering.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface RegistryVersion {
  readonly version: string;
  /** The bytes the checksums are computed from. */
  readonly tarball: Buffer;
  /** Bytes actually served for the tarball; defaults to `tarball` (set to simulate tampering). */
  readonly served?: Buffer;
  /** `null` leaves `integrity` out of the packument; a string replaces the computed one. */
  readonly integrity?: string | null;
  /** `null` leaves `shasum` out; a string replaces the computed one. */
  readonly shasum?: string | null;
}

export interface RegistryPackage {
  readonly name: string;
  readonly versions: readonly RegistryVersion[];
}

export interface RecordedRegistryRequest {
  readonly path: string;
  readonly accept: string;
}

export interface NpmRegistry {
  /** Base URL with a trailing slash, as npm_config_registry would be. */
  readonly url: string;
  readonly requests: RecordedRegistryRequest[];
  close(): Promise<void>;
}

export async function startNpmRegistry(packages: readonly RegistryPackage[]): Promise<NpmRegistry> {
  const requests: RecordedRegistryRequest[] = [];
  const byEscapedName = new Map(packages.map((pkg) => [pkg.name.replace('/', '%2f'), pkg]));
  let base = '';

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, accept: req.headers.accept ?? '' });
    const tarballMatch = /^\/(.+)\/-\/([^/]+)\.tgz$/.exec(path);
    if (tarballMatch !== null) {
      const pkg = packages.find((candidate) => candidate.name === tarballMatch[1]);
      const version = pkg?.versions.find((candidate) => tarballFileName(pkg.name, candidate.version) === `${tarballMatch[2] ?? ''}.tgz`);
      if (version === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      const bytes = version.served ?? version.tarball;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length }).end(bytes);
      return;
    }
    const pkg = byEscapedName.get(path.slice(1));
    if (pkg === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      return;
    }
    const body = JSON.stringify(packument(pkg, base));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}/`;
  return {
    url: base,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function packument(pkg: RegistryPackage, base: string): unknown {
  const versions: Record<string, unknown> = {};
  for (const entry of pkg.versions) {
    const dist: Record<string, string> = { tarball: `${base}${pkg.name}/-/${tarballFileName(pkg.name, entry.version)}` };
    const integrity = entry.integrity === undefined ? `sha512-${createHash('sha512').update(entry.tarball).digest('base64')}` : entry.integrity;
    const shasum = entry.shasum === undefined ? createHash('sha1').update(entry.tarball).digest('hex') : entry.shasum;
    if (integrity !== null) dist['integrity'] = integrity;
    if (shasum !== null) dist['shasum'] = shasum;
    versions[entry.version] = { name: pkg.name, version: entry.version, dist };
  }
  return { name: pkg.name, 'dist-tags': {}, versions };
}

/** npm's tarball naming: the unscoped part of the name, then the version. */
function tarballFileName(name: string, version: string): string {
  return `${name.slice(name.lastIndexOf('/') + 1)}-${version}.tgz`;
}

/**
 * Packs a fixture package with the real `npm pack` and returns the .tgz bytes. `files` maps
 * package-relative paths to contents; package.json is one of them.
 */
export async function packFixture(files: Readonly<Record<string, string>>): Promise<Buffer> {
  const root = await mkdtemp(join(tmpdir(), 'ward-npm-pack-'));
  try {
    const dir = join(root, 'package');
    const out = join(root, 'out');
    await mkdir(out, { recursive: true });
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    await execFileAsync('npm', ['pack', '--ignore-scripts', '--pack-destination', out], {
      cwd: dir,
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
    });
    const packed = (await readdir(out)).filter((name) => name.endsWith('.tgz'));
    if (packed.length !== 1 || packed[0] === undefined) throw new Error(`npm pack wrote ${packed.length} tarballs`);
    return await readFile(join(out, packed[0]));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
