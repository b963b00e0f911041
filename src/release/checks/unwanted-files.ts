/**
 * Files that should not ship: credentials, repository and editor leftovers, tests, coverage,
 * logs, internal documents, archives; and a package.json without a `files` allowlist, the
 * root cause of most of them.
 *
 * Severity follows harm. Credential files are errors. Directories that hold the source itself
 * (.git/, coverage reports) are errors when the package is closed source, warnings otherwise.
 * The rest are warnings: worth a look, rarely dangerous. Files under a scaffolding template
 * (`templates/`, a create-* package's project skeleton) and under bundled `node_modules/` are
 * exempt from everything but the credential rules: there, a `test/` or `.vscode/` is content
 * the package means to ship, or a dependency's layout the maintainer does not control.
 *
 * `.env` files belong to the secrets check, which reads their values; they are not reported
 * here too.
 */
import { createHash } from 'node:crypto';
import { isOpenSource } from '../license.ts';
import { compileGlobs } from '../path-globs.ts';
import type { CheckContext, Finding, PackageFile, RuleId, Severity } from '../types.ts';

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function segments(path: string): string[] {
  return path.split('/').slice(0, -1);
}

/** `.env`, `.env.local`, `.env.production`, ...: reported by the secrets check. */
export function isEnvFile(path: string): boolean {
  const name = baseName(path);
  return name === '.env' || name.startsWith('.env.');
}

/** `.env.example` and friends: documentation of variables, a problem only if values were filled in. */
export function isEnvTemplate(path: string): boolean {
  return /^\.env\.(?:example|sample|template|tpl|dist|defaults|schema)$/i.test(baseName(path));
}

const TEST_DIRS = new Set(['test', 'tests', '__tests__', '__fixtures__', 'fixtures', '__mocks__', 'testdata', 'test-data']);
const TEST_FILE = /\.(?:test|spec)\.[cm]?[jt]sx?$/i;

/** A path inside test code or fixtures, where a key or token is most often a throwaway. */
export function isTestPath(path: string): boolean {
  return segments(path).some((segment) => TEST_DIRS.has(segment)) || TEST_FILE.test(path);
}

/** Files whose whole content is a credential; the secrets check leaves them to this check. */
export function isCredentialFile(path: string): boolean {
  const name = baseName(path).toLowerCase();
  return /\.(?:pem|key|p12|pfx|jks|keystore)$/.test(name) || /^id_(?:rsa|dsa|ecdsa|ed25519)$/.test(name) ||
    name === '.netrc' || name === '_netrc' || name === '.git-credentials' || name === '.pgpass';
}

const TEMPLATE_DIRS = new Set(['template', 'templates', 'skeleton', 'skeletons', 'boilerplate', 'scaffold', 'scaffolds', 'blueprints', 'starter', 'starters']);

/**
 * Scaffolding templates and bundled dependencies: content the package ships on purpose or a
 * dependency's layout, where leftovers are not the maintainer's accident.
 */
export function isExempt(path: string): boolean {
  return segments(path).some((segment) => TEMPLATE_DIRS.has(segment) || segment === 'node_modules' || segment.startsWith('template-'));
}

const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----/;

interface Classified {
  readonly rule: RuleId;
  readonly severity: Severity;
  /** Files of one group are reported together: `test/` with 40 files is one finding. */
  readonly group: string;
  /** The finding's reason, a sentence that reads the same for one file or many. */
  readonly what: string;
  readonly fix: string;
}

const EXCLUDE = 'Leave it out of the package: list only what should ship in the "files" allowlist of package.json (or add it to .npmignore)';

async function classifyCredential(file: PackageFile): Promise<Classified | null> {
  if (!isCredentialFile(file.path)) return null;
  const name = baseName(file.path).toLowerCase();
  const fix = `Remove it from the package and revoke the credential if this version was published. ${EXCLUDE}.`;
  const severity: Severity = isTestPath(file.path) ? 'warning' : 'error';
  const inTest = severity === 'warning' ? ' It sits in test code, so it may be a throwaway test key: confirm, then allowlist the path.' : '';
  if (name.endsWith('.pem') || name.endsWith('.key')) {
    const text = (await file.read()).toString('latin1');
    if (PRIVATE_KEY.test(text)) return { rule: 'unwanted-file', severity, group: file.path, what: `A private key file.${inTest}`, fix };
    // Certificates and public keys are public; a .key that holds no PEM key may still be one in another encoding.
    if (name.endsWith('.pem') || /-----BEGIN (?:CERTIFICATE|PUBLIC KEY)/.test(text)) return null;
    return { rule: 'unwanted-file', severity: 'warning', group: file.path, what: 'A file named like a key (.key): its content is not a PEM private key, but it may be a key in another format.', fix };
  }
  return { rule: 'unwanted-file', severity, group: file.path, what: `A credential file (keys, keystores or saved passwords).${inTest}`, fix };
}

function classifyOther(path: string, closed: boolean): Classified | null {
  const name = baseName(path);
  const lower = name.toLowerCase();
  const dirs = segments(path);
  const at = (names: readonly string[]): string | null => {
    const index = dirs.findIndex((segment) => names.includes(segment));
    return index === -1 ? null : `${dirs.slice(0, index + 1).join('/')}/`;
  };
  const sourceBearing: Severity = closed ? 'error' : 'warning';

  if (lower.endsWith('.zip') || lower.endsWith('.tar') || lower.endsWith('.tgz') || lower.endsWith('.tar.gz') || lower.endsWith('.7z') || lower.endsWith('.rar')) {
    return { rule: 'archive-in-package', severity: 'warning', group: path, what: 'An archive inside the package: its contents ship unchecked (this gate cannot see inside it), and it is often a stale build or a previous release.', fix: `Unpack what is needed into the package, or ${EXCLUDE.charAt(0).toLowerCase()}${EXCLUDE.slice(1)}.` };
  }
  const git = at(['.git']);
  if (git !== null) return { rule: 'unwanted-file', severity: sourceBearing, group: git, what: `Git repository data: it can rebuild the repository's history and files${closed ? ', and the package is not open source' : ''}.`, fix: `${EXCLUDE}.` };
  if (isExempt(path)) return null;
  if (name === '.npmrc') {
    return { rule: 'unwanted-file', severity: 'warning', group: path, what: 'npm configuration: it can hold registry tokens and private registry addresses.', fix: `${EXCLUDE}.` };
  }
  const coverage = at(['coverage', '.nyc_output']);
  if (coverage !== null) return { rule: 'unwanted-file', severity: sourceBearing, group: coverage, what: `A test coverage report: it carries the annotated source code${closed ? ', and the package is not open source' : ''}.`, fix: `${EXCLUDE}.` };
  const editor = at(['.vscode', '.idea', '.fleet', '.zed']);
  if (editor !== null) return { rule: 'unwanted-file', severity: 'warning', group: editor, what: 'Editor settings from a developer\'s machine.', fix: `${EXCLUDE}.` };
  if (lower === '.ds_store' || lower === 'thumbs.db' || /^\..*\.sw[op]$/.test(lower) || lower.endsWith('.swp')) {
    return { rule: 'unwanted-file', severity: 'warning', group: 'editor-leftovers', what: 'Operating-system or editor leftovers: .DS_Store lists a directory\'s file names, swap files hold unsaved edits.', fix: `${EXCLUDE}.` };
  }
  if (lower.endsWith('.log') || /^(?:npm-debug|yarn-error|yarn-debug|pnpm-debug|lerna-debug)\.log/.test(lower)) {
    return { rule: 'unwanted-file', severity: 'warning', group: 'logs', what: 'Log output: it records commands, paths and sometimes tokens from the machine that wrote it.', fix: `${EXCLUDE}.` };
  }
  const docsAt = dirs.findIndex((segment, index) => (segment === 'docs' || segment === 'doc') && dirs[index + 1] === 'internal');
  const internal = at(['internal-docs']) ?? (docsAt === -1 ? null : `${dirs.slice(0, docsAt + 2).join('/')}/`);
  if (internal !== null || /\.internal\.md$/i.test(name)) {
    return { rule: 'unwanted-file', severity: 'warning', group: internal ?? path, what: 'Internal documentation: its name says it is not for the public.', fix: `${EXCLUDE}.` };
  }
  // Many ordinary open-source packages ship their tests (zod ships hundreds): harmless there, so
  // information; in a closed package tests are more of the source that was meant to stay private.
  const testSeverity: Severity = closed ? 'warning' : 'info';
  const testNote = closed ? ' The package is not open source, and tests are source code too.' : '';
  const tests = at([...TEST_DIRS]);
  if (tests !== null) return { rule: 'unwanted-file', severity: testSeverity, group: tests, what: `Tests or test fixtures: users never run them.${testNote}`, fix: `${EXCLUDE}.` };
  if (TEST_FILE.test(name)) return { rule: 'unwanted-file', severity: testSeverity, group: 'test-files', what: `Test files next to the code.${testNote}`, fix: `${EXCLUDE} (for example "!**/*.test.*" in "files").` };
  return null;
}

/**
 * Agent instruction files (CLAUDE.md, AGENTS.md, ...) are written for a project's maintainers
 * and often describe internal infrastructure. In an open-source package the same file is
 * public in the repository, so it is information; in a closed one it is a leaked internal doc.
 */
const AGENT_DOCS = /^(?:claude|agents|gemini|copilot-instructions)\.md$|^\.cursorrules$/i;

function classifyAgentDoc(path: string, closed: boolean): Classified | null {
  if (!AGENT_DOCS.test(baseName(path)) || isExempt(path)) return null;
  return {
    rule: 'unwanted-file',
    severity: closed ? 'warning' : 'info',
    group: path,
    what: `Instructions for coding agents working on the repository${closed ? '; the package is not open source, so this may describe internals that were never meant to be public' : ''}.`,
    fix: `${EXCLUDE}.`,
  };
}

function suggestFiles(files: readonly PackageFile[]): string {
  const always = /^(?:package\.json|readme(?:\..*)?|licen[cs]e(?:\..*)?|copying(?:\..*)?|changelog(?:\..*)?|notice(?:\..*)?)$/i;
  const tops = new Set<string>();
  for (const file of files) {
    const slash = file.path.indexOf('/');
    const top = slash === -1 ? file.path : `${file.path.slice(0, slash)}/`;
    if (!always.test(top)) tops.add(top);
  }
  const list = [...tops].slice(0, 6).map((entry) => `"${entry}"`).join(', ');
  return list === '' ? '' : ` Today the package publishes ${list}${tops.size > 6 ? ', ...' : ''}: keep what users need.`;
}

function fingerprint(rule: RuleId, group: string): string {
  return createHash('sha256').update(`${rule}\0${group}`).digest('hex').slice(0, 16);
}

export async function checkUnwantedFiles(ctx: CheckContext): Promise<Finding[]> {
  const allowed = compileGlobs(ctx.config.allow.paths);
  const closed = !isOpenSource(ctx.pkg.manifest, ctx.config).open;
  const groups = new Map<string, { readonly classified: Classified; readonly paths: string[] }>();

  for (const file of ctx.pkg.files) {
    if (allowed(file.path) || isEnvFile(file.path)) continue;
    const classified = (await classifyCredential(file)) ?? classifyOther(file.path, closed) ?? classifyAgentDoc(file.path, closed);
    if (classified === null) continue;
    const key = `${classified.rule}\0${classified.group}`;
    const group = groups.get(key) ?? { classified, paths: [] };
    group.paths.push(file.path);
    groups.set(key, group);
  }

  const findings: Finding[] = [];
  for (const { classified, paths } of groups.values()) {
    const single = paths.length === 1;
    const listed = single ? '' : ` ${paths.length} files: ${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', ...' : ''}.`;
    // A directory group points at the directory; any other group at its first file.
    const file = !single && classified.group.endsWith('/') ? classified.group : paths[0];
    findings.push({
      rule: classified.rule,
      severity: classified.severity,
      file,
      reason: `${classified.what}${listed}`,
      fix: classified.fix,
      fingerprint: fingerprint(classified.rule, classified.group),
    });
  }

  if (ctx.pkg.manifest.files === undefined) {
    findings.push({
      rule: 'no-files-allowlist',
      severity: ctx.config.strict ? 'error' : 'warning',
      file: 'package.json',
      reason: 'package.json has no "files" allowlist, so everything not excluded by .npmignore/.gitignore is published, including whatever lands in the directory next.',
      fix: `Add a "files" array to package.json listing what to publish, e.g. "files": ["dist/"].${suggestFiles(ctx.pkg.files)}`,
      fingerprint: fingerprint('no-files-allowlist', 'package.json'),
    });
  }
  return findings;
}
