import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildChildEnv, isSecretName, secretValuesFrom } from '../../src/policy/child-env.ts';
import { createBashTool } from '../../src/tools/bash.ts';
import { ShellSession } from '../../src/tools/shell-session.ts';
import { createTestEnvironment, toolContext } from '../tools/env.ts';

const PARENT = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/home/someone',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  TERM: 'xterm-256color',
  CI: 'true',
  OPENAI_API_KEY: 'canary-openai-key-FAKE-0001',
  ANTHROPIC_API_KEY: 'sk-ant-api03-FAKEFAKEFAKEFAKEFAKEFAKE-canary',
  ANTHROPIC_AUTH_TOKEN: 'canary-auth-token-FAKE-0002',
  GITHUB_TOKEN: 'canary-github-token-FAKE-0003',
  AWS_SECRET_ACCESS_KEY: 'canary-aws-secret-FAKE-0004',
  AWS_REGION: 'us-east-1-canary',
  MY_SERVICE_PASSWORD: 'canary-password-FAKE-0005',
  SHORT_TOKEN: 'abc',
  NODE_OPTIONS: '--require /tmp/evil-canary.js',
  LD_PRELOAD: '/tmp/evil-canary.so',
  KEYBOARD_LAYOUT: 'dvorak',
  HTTPS_PROXY: 'http://user:canary-proxy-pass@proxy.test:8080',
  HTTP_PROXY: 'http://proxy.test:8080',
  UNRELATED_SETTING: 'kept-out-by-allowlist',
};

test('the child environment keeps the basics and nothing secret or unknown', () => {
  const env = buildChildEnv(PARENT);
  assert.deepEqual(env, {
    PATH: PARENT.PATH,
    HOME: '/home/someone',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TERM: 'xterm-256color',
    CI: 'true',
    HTTP_PROXY: 'http://proxy.test:8080',
  });
});

test('secret-looking names are recognised; harmless look-alikes are not', () => {
  for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'GITHUB_TOKEN', 'NPM_TOKEN', 'AWS_ACCESS_KEY_ID', 'DB_PASSWORD', 'STRIPE_SECRET', 'GCP_SERVICE_ACCOUNT', 'SSH_PRIVATE_KEY', 'APIKEY', 'OAUTH_CLIENT', 'SLACK_WEBHOOK_URL', 'DATABASE_URL', 'GOOGLE_APPLICATION_CREDENTIALS']) {
    assert.equal(isSecretName(name), true, name);
  }
  for (const name of ['KEYBOARD', 'PATH', 'HOME', 'GIT_AUTHOR_NAME', 'XDG_SESSION_TYPE', 'LANG']) {
    assert.equal(isSecretName(name), false, name);
  }
});

test('secretValuesFrom returns the scrubbed secret values long enough to redact', () => {
  const values = secretValuesFrom(PARENT);
  assert.deepEqual(new Set(values), new Set([
    'canary-openai-key-FAKE-0001',
    'sk-ant-api03-FAKEFAKEFAKEFAKEFAKEFAKE-canary',
    'canary-auth-token-FAKE-0002',
    'canary-github-token-FAKE-0003',
    'canary-aws-secret-FAKE-0004',
    'canary-password-FAKE-0005',
    'http://user:canary-proxy-pass@proxy.test:8080',
  ]));
});

test('a bash command run with the built environment cannot see the parent secrets', async (t) => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'ward-child-env-')));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const env = createTestEnvironment(root, { childEnv: buildChildEnv(PARENT) });
  const bash = createBashTool(env, new ShellSession(root));
  const result = await bash.execute({ command: 'env' }, toolContext(root));
  assert.equal(result.isError, false, result.output);
  assert.match(result.output, /^PATH=/m);
  assert.match(result.output, /^CI=true$/m);
  assert.doesNotMatch(result.output, /canary/i);
  assert.doesNotMatch(result.output, /OPENAI_API_KEY|ANTHROPIC|GITHUB_TOKEN|NODE_OPTIONS|LD_PRELOAD/);
});

test('regression: PWD and location-like variables are not secrets, so paths are never masked', () => {
  const parent = {
    PWD: '/home/someone/project',
    OLDPWD: '/home/someone',
    DB_PWD: 'canary-db-password-1',
    VAULT_ADDR: 'https://vault.internal.example:8200',
    GOOGLE_CLOUD_PROJECT: 'my-gcp-project-123',
    SSH_AUTH_SOCK: '/tmp/ssh-agent.sock',
    AWS_CONFIG_FILE: '/home/someone/.aws/config',
    PASSWORD_STORE_DIR: '/home/someone/.password-store',
    GOOGLE_APPLICATION_CREDENTIALS: '/home/someone/key.json',
  };
  const values = secretValuesFrom(parent);
  assert.deepEqual(values, ['canary-db-password-1']);
});
