/**
 * The macOS profile cannot run here, so it is checked as text: every rule the policy asks for is
 * present, in an order where it takes effect (Seatbelt applies the last matching rule), paths
 * are escaped, and nothing is writable outside the writable roots and the temp folders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SandboxPolicy } from '../../src/sandbox/policy.ts';
import { createSeatbeltSandbox, SANDBOX_EXEC_PATH, sbplString, seatbeltProfile } from '../../src/sandbox/seatbelt.ts';

const policy: SandboxPolicy = {
  writableRoots: ['/Users/ann/code/app'],
  denyRead: ['/Users/ann/.ssh', '/Users/ann/.aws', '/Users/ann/code/app/.env', '/Users/ann/.ward'],
  readOnly: ['/Users/ann/code/app/.git/hooks', '/Users/ann/code/app/.git/config', '/Users/ann/code/app/.ward/settings.json', '/Users/ann/code/app/.github/workflows'],
  network: { kind: 'none' },
  tmpDir: '/private/var/folders/xy/T/ward-session',
};

/** The filters of every `(action operation ...)` rule, in profile order. */
function rules(profile: string): { action: string; operation: string; filters: string[] }[] {
  const found: { action: string; operation: string; filters: string[] }[] = [];
  const lines = profile.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const single = /^\((allow|deny) ([\w*-]+(?: [\w*-]+)*)(?: (\(.*\)))?\)$/.exec(line);
    if (single?.[1] !== undefined && single[2] !== undefined) {
      found.push({ action: single[1], operation: single[2], filters: single[3] === undefined ? [] : [single[3]] });
      continue;
    }
    const open = /^\((allow|deny) ([\w*-]+)$/.exec(line);
    if (open?.[1] === undefined || open[2] === undefined) continue;
    const filters: string[] = [];
    for (i += 1; i < lines.length && lines[i] !== ')'; i++) filters.push((lines[i] ?? '').trim());
    found.push({ action: open[1], operation: open[2], filters });
  }
  return found;
}

function pathOf(filter: string): string {
  const match = /^\((?:subpath|literal) "((?:[^"\\]|\\.)*)"\)$/.exec(filter);
  assert.ok(match?.[1] !== undefined, `not a path filter: ${filter}`);
  return match[1].replace(/\\(.)/g, '$1');
}

test('the profile denies by default and every deny-read path is denied for reading and writing, after the broad allow', () => {
  const profile = seatbeltProfile(policy);
  const all = rules(profile);
  assert.match(profile, /^\(version 1\)\n\(deny default\)\n/);
  const readAllow = all.findIndex((rule) => rule.action === 'allow' && rule.operation === 'file-read*');
  const readDeny = all.findIndex((rule) => rule.action === 'deny' && rule.operation === 'file-read*');
  assert.ok(readAllow >= 0 && readDeny > readAllow, 'the read denies must come after the read allow');
  assert.deepEqual(all[readDeny]?.filters.map(pathOf), policy.denyRead);
  const writeDeny = all.find((rule) => rule.action === 'deny' && rule.operation === 'file-write*');
  assert.deepEqual(writeDeny?.filters.map(pathOf).sort(), [...policy.readOnly, ...policy.denyRead].sort());
});

test('nothing is writable outside the writable roots, the temp folder and the standard devices', () => {
  const all = rules(seatbeltProfile(policy));
  const writeAllows = all.filter((rule) => rule.action === 'allow' && rule.operation.startsWith('file-write'));
  assert.equal(writeAllows.length, 1);
  const allowedPlaces = [...policy.writableRoots, policy.tmpDir ?? ''];
  for (const filter of writeAllows[0]?.filters ?? []) {
    if (filter.startsWith('(regex')) {
      assert.equal(filter, '(regex #"^/dev/fd/[0-9]+$")');
      continue;
    }
    const path = pathOf(filter);
    const inside = allowedPlaces.some((place) => path === place || path.startsWith(`${place}/`)) || (filter.startsWith('(literal') && path.startsWith('/dev/'));
    assert.ok(inside, `write allowed outside the writable places: ${filter}`);
  }
  // Read-only paths are denied after the write allow, so the deny wins.
  const allowIndex = all.findIndex((rule) => rule.action === 'allow' && rule.operation === 'file-write*');
  const denyIndex = all.findIndex((rule) => rule.action === 'deny' && rule.operation === 'file-write*');
  assert.ok(denyIndex > allowIndex);
});

test('folders that hold protected paths inside the project cannot be renamed away', () => {
  const all = rules(seatbeltProfile(policy));
  const pinned = all.find((rule) => rule.action === 'deny' && rule.operation === 'file-write-unlink');
  assert.deepEqual(pinned?.filters.map(pathOf).sort(), ['/Users/ann/code/app/.git', '/Users/ann/code/app/.github', '/Users/ann/code/app/.ward'].sort());
});

test('no network by default; with a proxy, only its localhost port', () => {
  const none = seatbeltProfile(policy);
  assert.doesNotMatch(none, /\(allow network/);
  assert.doesNotMatch(none, /\(allow system-socket/);
  const proxied = seatbeltProfile({ ...policy, network: { kind: 'proxy', allowedDomains: ['github.com'] } }, { proxyPort: 40123 });
  const networkRules = rules(proxied).filter((rule) => rule.operation.startsWith('network'));
  assert.deepEqual(networkRules, [{ action: 'allow', operation: 'network-outbound', filters: ['(remote ip "localhost:40123")'] }]);
  assert.throws(() => seatbeltProfile({ ...policy, network: { kind: 'proxy', allowedDomains: ['github.com'] } }), /no proxy port/);
});

test('the process table is not readable (other processes\' arguments and environment)', () => {
  const profile = seatbeltProfile(policy);
  assert.doesNotMatch(profile, /\(allow sysctl-read\)/);
  assert.doesNotMatch(profile, /procargs/);
  assert.doesNotMatch(profile, /\(allow process-info\*\)/);
});

test('quotes and backslashes in paths are escaped; control characters are refused', () => {
  assert.equal(sbplString('/a "quoted" \\ path'), '"/a \\"quoted\\" \\\\ path"');
  const profile = seatbeltProfile({ ...policy, denyRead: ['/Users/ann/we"ird\\dir'] });
  assert.ok(profile.includes('(subpath "/Users/ann/we\\"ird\\\\dir")'), profile);
  const filter = rules(profile).find((rule) => rule.action === 'deny' && rule.operation === 'file-read*')?.filters[0] ?? '';
  assert.equal(pathOf(filter), '/Users/ann/we"ird\\dir');
  assert.throws(() => seatbeltProfile({ ...policy, denyRead: ['/Users/ann/tab\there'] }), /control character/);
});

test('wrap runs the command under sandbox-exec with the profile, keeping cwd and environment', () => {
  const sandbox = createSeatbeltSandbox(policy);
  const wrapped = sandbox.wrap({ file: 'bash', args: ['-c', 'echo hi', 'bash'], cwd: '/Users/ann/code/app', env: { PATH: '/usr/bin', HOME: '/Users/ann' } });
  assert.equal(wrapped.file, SANDBOX_EXEC_PATH);
  assert.deepEqual(wrapped.args.slice(0, 1), ['-p']);
  assert.equal(wrapped.args[1], seatbeltProfile(policy));
  assert.deepEqual(wrapped.args.slice(2), ['bash', '-c', 'echo hi', 'bash']);
  assert.equal(wrapped.cwd, '/Users/ann/code/app');
  assert.deepEqual(wrapped.env, { PATH: '/usr/bin', HOME: '/Users/ann' });
  assert.equal(sandbox.confining, true);
});

test('with a proxy, commands get the proxy variables; before it listens, they do not start at all', () => {
  let port: number | null = null;
  const sandbox = createSeatbeltSandbox({ ...policy, network: { kind: 'proxy', allowedDomains: ['github.com'] } }, { proxyPort: () => port });
  const spec = { file: 'bash', args: ['-c', 'curl https://github.com'], cwd: '/Users/ann/code/app', env: { PATH: '/usr/bin' } };
  const early = sandbox.wrap(spec);
  assert.equal(early.args.includes('bash'), false, 'a command ran before the proxy was ready');
  port = 40999;
  const ready = sandbox.wrap(spec);
  assert.equal(ready.env.HTTPS_PROXY, 'http://127.0.0.1:40999');
  assert.equal(ready.env.http_proxy, 'http://127.0.0.1:40999');
  assert.match(ready.args[1] ?? '', /\(remote ip "localhost:40999"\)/);
});
