import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainAllowlistError, matchHost, parseAllowlist, parseDomainEntry, parseHost } from '../../src/sandbox/domain-allowlist.ts';

function allowed(entries: readonly string[], host: string): boolean {
  const parsed = parseHost(host);
  if (!parsed.ok) return false;
  return matchHost(parseAllowlist(entries), parsed.value).allowed;
}

test('valid entries: host names, leading "*." wildcards, exact IP addresses, folded to lowercase', () => {
  assert.deepEqual(parseDomainEntry('GitHub.com'), { ok: true, value: { kind: 'domain', entry: 'GitHub.com', host: 'github.com' } });
  assert.deepEqual(parseDomainEntry('*.npmjs.org'), { ok: true, value: { kind: 'wildcard', entry: '*.npmjs.org', suffix: 'npmjs.org' } });
  assert.deepEqual(parseDomainEntry('127.0.0.1'), { ok: true, value: { kind: 'ip', entry: '127.0.0.1', address: '127.0.0.1' } });
  assert.deepEqual(parseDomainEntry('[::1]'), { ok: true, value: { kind: 'ip', entry: '[::1]', address: '::1' } });
  assert.deepEqual(parseDomainEntry('localhost'), { ok: true, value: { kind: 'domain', entry: 'localhost', host: 'localhost' } });
  assert.equal(parseDomainEntry('xn--bcher-kva.example').ok, true);
});

test('invalid entries are refused with a reason, and a list with one is refused whole', () => {
  const invalid = [
    '', '*', '*.com', 'com', 'https://github.com', 'github.com:443', 'github.com/path', 'user@github.com',
    'git*hub.com', 'github.*', '*.*.github.com', 'evil.com\0.allowed.com', 'tab\there.com', ' github.com',
    'github..com', '-github.com', 'github-.com', 'under_score.com', 'bücher.de', '127.1', '2130706433',
    '0x7f.0.0.1', '127.000.0.1', '*.127.0.0.1', 'a'.repeat(64) + '.com',
  ];
  for (const entry of invalid) {
    const parsed = parseDomainEntry(entry);
    assert.equal(parsed.ok, false, `${JSON.stringify(entry)} was accepted`);
  }
  assert.throws(() => parseAllowlist(['github.com', 'evil.com\0.github.com', '*']), (error: unknown) => {
    assert.ok(error instanceof DomainAllowlistError);
    assert.equal(error.problems.length, 2);
    assert.match(error.message, /\\u0000/);
    return true;
  });
});

test('matching is exact or by whole labels below an entry; a wildcard excludes the apex', () => {
  const list = ['github.com', '*.npmjs.org', '127.0.0.1'];
  assert.equal(allowed(list, 'github.com'), true);
  assert.equal(allowed(list, 'api.github.com'), true);
  assert.equal(allowed(list, 'API.GitHub.com.'), true);
  assert.equal(allowed(list, 'registry.npmjs.org'), true);
  assert.equal(allowed(list, 'npmjs.org'), false);
  assert.equal(allowed(list, '127.0.0.1'), true);
  for (const host of ['badgithub.com', 'github.com.evil.com', 'github.co', 'evil.com', 'xgithub.com', 'npmjs.org.evil.com']) {
    assert.equal(allowed(list, host), false, `${host} was allowed`);
  }
});

test('request hosts are validated before matching: control bytes, encodings and numeric tricks never pass', () => {
  const list = ['allowed.com', 'localhost'];
  const attacks = [
    'evil.com\0.allowed.com', 'evil.com%00.allowed.com', 'evil.com\n.allowed.com', 'evil.com .allowed.com',
    'evil.com/.allowed.com', 'evil.com\\.allowed.com', 'evil.com@allowed.com', 'allowed.com.evil.com',
    'allowed.com..', '127.1', '0x7f000001', '2130706433', '017700000001', '[::ffff:127.0.0.1]', 'ａllowed.com',
  ];
  for (const host of attacks) assert.equal(allowed(list, host), false, `${JSON.stringify(host)} was allowed`);
  // A subdomain of an IP-looking name is still numeric at the end, so it is not a name.
  assert.equal(parseHost('allowed.com.1').ok, false);
});

test('an empty allowlist allows nothing', () => {
  const host = parseHost('example.com');
  assert.ok(host.ok);
  assert.deepEqual(matchHost([], host.value), { allowed: false, reason: 'the network allowlist is empty' });
});

test('IP addresses match only an exact IP entry, never a name and never as a suffix', () => {
  assert.equal(allowed(['localhost'], '127.0.0.1'), false);
  assert.throws(() => parseAllowlist(['0.0.1']), DomainAllowlistError);
  assert.equal(allowed(['::1'], '[::1]'), true);
  assert.equal(allowed(['::1'], '[0:0:0:0:0:0:0:1]'), true);
  assert.equal(allowed(['::1'], '[::2]'), false);
});
