/**
 * A copy of the project as a map from relative path to a description of what is there (type,
 * mode, content), for comparing ward's copy with the reference copy after a session. Content
 * is compared exactly, except where a file format records something that must differ between
 * two copies made at different moments (each case says why).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repositoryObjects } from './benign-fixture.ts';
import { normalizeGitTimestamps, normalizeNewCommits, normalizeProjectPath, type CopyFacts } from './benign-normalize.ts';

export type TreeSnapshot = Map<string, string>;

const GIT_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1' };

function git(project: string, args: readonly string[]): string {
  const result = spawnSync('git', args, { cwd: project, env: GIT_ENV, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${project}: ${result.stderr}`);
  return result.stdout;
}

function mode(path: string): string {
  return (lstatSync(path).mode & 0o7777).toString(8);
}

function describeBytes(bytes: Buffer, normalize: (text: string) => string): string {
  const text = bytes.toString('utf8');
  if (!bytes.includes(0) && Buffer.from(text, 'utf8').equals(bytes)) return normalize(text);
  return `binary sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * A gzipped tar archive records the modification time of every member, and the two copies'
 * files were written at different moments: compared by its members' names, modes and contents.
 */
function describeTarball(path: string): string {
  const scratch = mkdtempSync(join(tmpdir(), 'ward-benign-tar-'));
  try {
    const members = spawnSync('tar', ['-tzf', path], { encoding: 'utf8' }).stdout;
    const extracted = spawnSync('tar', ['-xzf', path, '-C', scratch], { encoding: 'utf8' });
    if (extracted.status !== 0) return `unreadable tarball: ${extracted.stderr}`;
    const inside = [...walk(scratch, scratch, () => false)].map(([name, value]) => `${name}: ${value}`);
    return `tar.gz\nmembers:\n${members}contents:\n${inside.join('\n')}`;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Every file, folder and symlink below `root`, skipping what `skip` says, with its description. */
function* walk(root: string, folder: string, skip: (rel: string) => boolean, normalize: (rel: string, text: string) => string = (_rel, text) => text): Generator<[string, string]> {
  for (const name of readdirSync(folder).sort()) {
    const path = join(folder, name);
    const rel = relative(root, path);
    if (skip(rel)) continue;
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) yield [rel, `symlink -> ${normalize(rel, readlinkSync(path))}`];
    else if (stat.isDirectory()) {
      yield [rel, `folder ${mode(path)}`];
      yield* walk(root, path, skip, normalize);
    } else if (stat.isFile()) {
      const content = /\.(tar\.gz|tgz)$/.test(name) ? describeTarball(path) : describeBytes(readFileSync(path), (text) => normalize(rel, text));
      yield [rel, `file ${mode(path)}\n${content}`];
    } else {
      yield [rel, 'special file'];
    }
  }
}

/** The commits in `project` that the fixture did not have: the ones the session made. */
export function newCommitsIn(project: string, fixtureObjects: ReadonlyMap<string, string>): string[] {
  return [...repositoryObjects(project)].filter(([id, type]) => type === 'commit' && !fixtureObjects.has(id)).map(([id]) => id);
}

export function snapshotTree(facts: CopyFacts, fixtureObjects: ReadonlyMap<string, string>): TreeSnapshot {
  const { project } = facts;
  const normalize = (rel: string, text: string): string => {
    let result = normalizeNewCommits(normalizeProjectPath(text, facts), facts);
    if (rel.startsWith('.git/logs/')) result = normalizeGitTimestamps(result);
    return result;
  };
  // Loose objects are named by their id, which for the session's commits differs (see below).
  const skip = (rel: string): boolean => rel === '.git/objects' || rel.startsWith('.git/objects/');
  const snapshot: TreeSnapshot = new Map(walk(project, project, skip, normalize));

  if (snapshot.has('.git/index')) {
    // The index caches each file's inode, device and change time, which no two copies share:
    // compared by what it stages (mode, object id and path of every entry).
    snapshot.set('.git/index', `index\n${git(project, ['ls-files', '--stage'])}`);
  }
  const objects = repositoryObjects(project);
  const madeHere: string[] = [];
  for (const [id, type] of objects) {
    if (type === 'commit' && !fixtureObjects.has(id)) {
      madeHere.push(normalizeGitTimestamps(normalizeNewCommits(git(project, ['cat-file', '-p', id]), facts)));
    } else {
      // Trees and blobs are named by their content: the same id means the same bytes.
      snapshot.set(`.git/objects/${id}`, type);
    }
  }
  madeHere.sort().forEach((content, index) => snapshot.set(`.git/objects/(commit made in the session #${index + 1})`, content));
  return snapshot;
}

/** The differences between two snapshots, one readable line (or block) each; empty when equal. */
export function treeDifferences(ward: TreeSnapshot, host: TreeSnapshot): string[] {
  const differences: string[] = [];
  for (const [path, value] of ward) {
    const other = host.get(path);
    if (other === undefined) differences.push(`only in ward's copy: ${path} (${value.split('\n')[0] ?? ''})`);
    else if (other !== value) differences.push(`differs: ${path}\n  ward: ${JSON.stringify(value)}\n  host: ${JSON.stringify(other)}`);
  }
  for (const [path, value] of host) {
    if (!ward.has(path)) differences.push(`only in the reference copy: ${path} (${value.split('\n')[0] ?? ''})`);
  }
  return differences;
}
