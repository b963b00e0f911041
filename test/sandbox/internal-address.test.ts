import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInternalAddress } from '../../src/sandbox/internal-address.ts';

test('loopback, private, link-local (cloud metadata), CGNAT and unspecified addresses are internal, in any spelling', () => {
  for (const address of ['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe', '64:ff9b::a00:1', 'not-an-address']) {
    assert.equal(isInternalAddress(address), true, address);
  }
});

test('public addresses are not internal', () => {
  for (const address of ['140.82.112.3', '172.32.0.1', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) {
    assert.equal(isInternalAddress(address), false, address);
  }
});
