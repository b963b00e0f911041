/**
 * Secrets in published files. Fixtures are real package directories read through npm's
 * packlist; every token is generated at run time (random, so it looks live) and never appears
 * in this source. Each leaking fixture has a clean twin: placeholders, regex source describing a
 * token format, integrity hashes, data URIs, documentation examples; and real ordinary packages
 * from node_modules must come out clean.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomInt } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkSecrets } from '../../src/release/checks/secrets.ts';
import { releaseCheckConfigSchema } from '../../src/release/config-schema.ts';
import { readPackageDirectory } from '../../src/release/package-directory.ts';
import type { Finding } from '../../src/release/types.ts';

const temporaryDirs: string[] = [];
test.after(async () => {
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random string that reads as a live credential: every character class of the alphabet
 * present, no runs, no placeholder words (bounded: a bad alphabet fails instead of spinning).
 */
function random(length: number, alphabet = BASE62): string {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((kind) => kind.test(alphabet));
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const value = Array.from({ length }, () => alphabet.charAt(randomInt(alphabet.length))).join('');
    const lower = value.toLowerCase();
    const plain = !/(.)\1{2,}/.test(value) && !['test', 'demo', 'your', 'fake', 'xxxx', 'example', 'sample', 'insert'].some((word) => lower.includes(word));
    if (plain && classes.every((kind) => kind.test(value))) return value;
  }
  throw new Error(`no random value from ${alphabet}`);
}

async function writeTree(files: Readonly<Record<string, string | Buffer>>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ward-secrets-'));
  temporaryDirs.push(dir);
  const all = { 'package.json': JSON.stringify({ name: 'fixture', version: '1.0.0', license: 'MIT' }), ...files };
  for (const [file, content] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

async function scan(files: Readonly<Record<string, string | Buffer>>, config: object = {}): Promise<Finding[]> {
  const pkg = await readPackageDirectory(await writeTree(files));
  return checkSecrets({ pkg, config: releaseCheckConfigSchema.parse(config) });
}

const liveTokens: readonly (readonly [string, () => string])[] = [
  ['Anthropic API key', () => `sk-ant-api03-${random(93)}AA`],
  ['OpenAI API key', () => `sk-proj-${random(120)}`],
  ['GitHub token', () => `ghp_${random(36)}`],
  ['GitHub fine-grained token', () => `github_pat_${random(22)}_${random(59)}`],
  ['GitLab token', () => `glpat-${random(20)}`],
  ['npm token', () => `npm_${random(36)}`],
  ['AWS access key ID', () => `AKIA${random(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`],
  ['Google API key', () => `AIza${random(35)}`],
  ['Slack token', () => `xoxb-${String(randomInt(100_000_000, 999_999_999))}-${random(24)}`],
  ['Stripe live key', () => `sk_live_${random(24)}`],
];

test('each known token format in a published file is an error with its line, and the secret is never printed', async () => {
  for (const [kind, make] of liveTokens) {
    const token = make();
    const findings = await scan({ 'dist/config.js': `// settings\n\nexport const client = connect({ key: "${token}" });\n` });
    assert.equal(findings.length, 1, kind);
    const [finding] = findings;
    assert.equal(finding?.rule, 'secret-token', kind);
    assert.equal(finding?.severity, 'error', kind);
    assert.equal(finding?.file, 'dist/config.js');
    assert.equal(finding?.line, 3, kind);
    assert.match(finding?.reason ?? '', new RegExp(kind), kind);
    assert.match(finding?.reason ?? '', new RegExp(`…${token.slice(-4)}\\)`), kind);
    const printed = JSON.stringify(finding);
    assert.ok(!printed.includes(token.slice(-8)), `${kind}: more than four trailing characters printed`);
    assert.match(finding?.fingerprint ?? '', /^[0-9a-f]{16}$/);
  }
});

test('an AWS secret access key assignment is an error', async () => {
  const findings = await scan({ 'lib/aws.js': `module.exports = { accessKeyId: process.env.ID, secretAccessKey: "${random(40, `${BASE62}/+`)}" };\n` });
  assert.deepEqual(findings.map((finding) => [finding.rule, finding.severity]), [['secret-token', 'error']]);
  assert.match(findings[0]?.reason ?? '', /AWS secret access key/);
});

test('the clean twin: placeholders, format descriptions, integrity hashes and data URIs are not secrets', async () => {
  // Every value here is a placeholder, a format description or a bare PEM marker: none is a
  // credential, and the gate must not call any of them one.
  const findings = await scan({
    'dist/config.js': [
      'const fakeAnthropicPlaceholder = "sk-ant-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";',
      'const aws = "AKIAIOSFODNN7EXAMPLE";',
      'const awsSecret = { secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };',
      'const github = "ghp_YOUR_TOKEN_HERE_YOUR_TOKEN_HERE_12";',
      'const npm = "npm_0000000000000000000000000000000000000";',
      'const pattern = /ghp_[A-Za-z0-9]{36}|sk-ant-[A-Za-z0-9_-]{20,}|AKIA[A-Z0-9]{16}/g;',
      `const integrity = "sha512-${Buffer.from(random(64)).toString('base64')}";`,
      `const icon = "data:image/png;base64,${Buffer.from(`AKIA${random(16).toUpperCase()} AIza${random(35)}`).toString('base64')}";`,
      'const PEM_MARKER_ONLY_NOT_A_KEY = "-----BEGIN RSA PRIVATE KEY-----";',
      'const password = "correct horse battery staple";',
      'const tokenizer = "q8Zx3Lp0Vw7Rt2Ny5Kb9Hc4Ms1";',
      'const token = "common.errors.invalidTokenMessage2";',
    ].join('\n'),
  });
  assert.deepEqual(findings, []);
});

test('a private key block is an error; the header alone, as crypto libraries ship it, is not', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const findings = await scan({
    'lib/signing.js': `const key = ${JSON.stringify(privateKey)};\nmodule.exports = key;\n`,
    // Bare markers, as crypto libraries ship them to recognise PEM text: no key material.
    'lib/forge.js': 'const BEGIN_MARKER_NOT_A_KEY = "-----BEGIN PRIVATE KEY-----";\nconst END_MARKER_NOT_A_KEY = "-----END PRIVATE KEY-----";\n',
  });
  assert.deepEqual(findings.map((finding) => [finding.rule, finding.severity, finding.file, finding.line]), [['secret-token', 'error', 'lib/signing.js', 1]]);
  assert.match(findings[0]?.reason ?? '', /private key/);
  assert.ok(!(findings[0]?.reason ?? '').includes(privateKey.split('\n')[1] ?? 'unreachable'));
});

test('a secret in test code is a warning that says it may be a test value', async () => {
  const findings = await scan({ 'test/fixtures/config.json': JSON.stringify({ token: `ghp_${random(36)}` }) });
  assert.equal(findings[0]?.severity, 'warning');
  assert.match(findings[0]?.reason ?? '', /test/);
});

test('a high-entropy value assigned to a secret name is a warning; ordinary values and docs are not', async () => {
  const value = random(32);
  const leaked = await scan({ 'dist/client.js': `export const clientSecret = "${value}";\n` });
  assert.deepEqual(leaked.map((finding) => [finding.rule, finding.severity, finding.line]), [['secret-high-entropy', 'warning', 1]]);
  assert.match(leaked[0]?.reason ?? '', /clientSecret/);
  assert.ok(!JSON.stringify(leaked).includes(value.slice(-8)));

  const twin = await scan({
    'dist/client.js': `export const clientSecret = process.env.CLIENT_SECRET;\nconst sessionToken = "${'0123456789abcdef'.repeat(3)}";\n`,
    'README.md': `Configure it:\n\n    password: '${random(32)}'\n`,
  });
  assert.deepEqual(twin, []);
});

test('the same secret twice in a file is one finding; fingerprints depend on the file and the value', async () => {
  const token = `npm_${random(36)}`;
  const other = `npm_${random(36)}`;
  const findings = await scan({
    'a.js': `x("${token}");\ny("${token}");\nz("${other}");\n`,
    'b.js': `x("${token}");\n`,
  });
  assert.equal(findings.length, 3);
  const inA = findings.filter((finding) => finding.file === 'a.js');
  assert.match(inA[0]?.reason ?? '', /appears 2 times/);
  const prints = new Set(findings.map((finding) => finding.fingerprint));
  assert.equal(prints.size, 3);
  const again = await scan({ 'a.js': `x("${token}");\n` });
  assert.equal(again[0]?.fingerprint, inA[0]?.fingerprint);
});

test('.env files: values are an error, an example with placeholders passes, an example with a real value fails', async () => {
  const leaked = await scan({ '.env': `# local\nDATABASE_URL=postgres://app:${random(20)}@db/app\nAPI_KEY="${random(32)}"\nEMPTY=\n` });
  assert.deepEqual(leaked.map((finding) => [finding.rule, finding.severity, finding.file, finding.line]), [['secret-env-file', 'error', '.env', 2]]);
  assert.match(leaked[0]?.reason ?? '', /2 values \(DATABASE_URL, API_KEY\)/);

  const production = await scan({ 'config/.env.production': 'NODE_ENV=production\n' });
  assert.equal(production[0]?.severity, 'error');

  const example = await scan({ '.env.example': 'API_KEY=\nSECRET=your-secret-here\nDATABASE_URL=postgres://user:password@localhost/db\nPORT=3000\n' });
  assert.deepEqual(example, []);

  const filled = await scan({ '.env.example': `API_KEY=\nSTRIPE_SECRET=sk_live_${random(24)}\n` });
  assert.deepEqual(filled.map((finding) => [finding.rule, finding.severity, finding.line]), [['secret-env-file', 'error', 2]]);
  assert.match(filled[0]?.reason ?? '', /STRIPE_SECRET/);
});

test('allow.paths exempts a path; binary files are skipped', async () => {
  const token = `ghp_${random(36)}`;
  const files = { 'docs/fake-credentials.txt': `token ${token}\n`, 'lib/native.node': Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.from(token)]) };
  assert.deepEqual(await scan(files, { allow: { paths: ['docs/**'] } }), []);
  assert.equal((await scan(files)).length, 1);
});

test('ordinary packages from node_modules are clean', async () => {
  const root = path.resolve(import.meta.dirname, '../../node_modules');
  for (const name of ['zod', '@anthropic-ai/sdk', 'semver', 'minimatch']) {
    const pkg = await readPackageDirectory(path.join(root, name));
    const findings = await checkSecrets({ pkg, config: releaseCheckConfigSchema.parse({}) });
    assert.deepEqual(findings, [], name);
  }
});

test('a project template may ship a .env without secrets; one with a secret still fails', async () => {
  assert.deepEqual(await scan({ 'templates/app/.env': 'VITE_API_URL=http://localhost:3000\nPORT=3000\n' }), []);
  const leaked = await scan({ 'templates/app/.env': `OPENAI_API_KEY=sk-proj-${random(120)}\n` });
  assert.deepEqual(leaked.map((finding) => [finding.rule, finding.severity]), [['secret-env-file', 'error']]);
});
