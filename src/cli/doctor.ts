/**
 * `ward doctor`: checks what ward depends on and says, for each, ok or what to do. Exit 0
 * when everything needed works, 1 otherwise. Never prints a key, only where it comes from.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import type { SubcommandArgs } from './args.ts';
import { EXIT } from '../agent/exit-codes.ts';
import { describeNoProviderHelp, probeLocalServers } from '../model/local-probe.ts';
import { ConfigError, resolveProviderConfig } from '../model/provider-config.ts';
import { loadSettingsFile, SettingsError } from '../policy/settings/load.ts';
import { settingsPaths } from '../policy/settings/layers.ts';
import { detectSandbox } from '../sandbox/detect.ts';
import { wardHome } from '../session/home.ts';
import { findExecutable } from '../tools/find-executable.ts';
import { wardVersion } from './version.ts';

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export async function runDoctor(input: {
  args: SubcommandArgs;
  projectRoot: string;
  env: Readonly<Record<string, string | undefined>>;
  out: (line?: string) => void;
}): Promise<number> {
  const { env } = input;
  const checks: Check[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  checks.push({ name: 'node', ok: major >= 22, detail: major >= 22 ? process.versions.node : `${process.versions.node}: ward needs Node 22 or later` });
  checks.push({ name: 'ward', ok: true, detail: wardVersion() });

  const detection = await detectSandbox(process.platform, env);
  checks.push(
    detection.available
      ? { name: 'sandbox', ok: true, detail: `${detection.backend} (${detection.path})` }
      : { name: 'sandbox', ok: false, detail: `unavailable: ${detection.reason}. ${detection.fix}` },
  );

  const bash = findExecutable('bash', env.PATH);
  checks.push({ name: 'bash', ok: bash !== null, detail: bash ?? 'not found on PATH: the bash tool cannot run commands' });
  const rg = findExecutable('rg', env.PATH);
  checks.push({ name: 'ripgrep', ok: true, detail: rg === null ? 'not found: grep and glob use the slower JavaScript search (install ripgrep for speed)' : `${firstLine(rg, ['--version'])} (${rg})` });

  checks.push(await providerCheck(input.args, env));

  const home = wardHome(env);
  for (const [layer, path] of Object.entries(settingsPaths(input.projectRoot, home))) {
    try {
      const file = loadSettingsFile(path);
      checks.push({ name: `settings (${layer})`, ok: true, detail: file === null ? `${path} (absent)` : `${path} (valid)` });
    } catch (error) {
      checks.push({ name: `settings (${layer})`, ok: false, detail: error instanceof SettingsError ? error.message : String(error) });
    }
  }
  checks.push(homeCheck(home));

  const width = Math.max(...checks.map((check) => check.name.length));
  for (const check of checks) input.out(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name.padEnd(width)}  ${check.detail}`);
  const failed = checks.filter((check) => !check.ok).length;
  input.out();
  input.out(failed === 0 ? 'everything ward needs is in place.' : `${failed} problem${failed === 1 ? '' : 's'}: see FAIL above.`);
  return failed === 0 ? EXIT.success : EXIT.failure;
}

async function providerCheck(args: SubcommandArgs, env: Readonly<Record<string, string | undefined>>): Promise<Check> {
  try {
    const resolved = resolveProviderConfig({ provider: args.provider, model: args.model, baseUrl: args.baseUrl, env });
    if (!('needsProbe' in resolved)) {
      return { name: 'provider', ok: true, detail: `${resolved.provider}, model ${resolved.model}${resolved.baseUrl === undefined ? '' : ` at ${resolved.baseUrl}`} (${resolved.source})` };
    }
    const found = await probeLocalServers({ timeoutMs: 800 });
    const server = found.find((candidate) => candidate.models.length > 0);
    if (server !== undefined) return { name: 'provider', ok: true, detail: `no key set; local server ${server.name} at ${server.baseUrl} with ${server.models.length} models` };
    return { name: 'provider', ok: false, detail: `none configured.\n${describeNoProviderHelp().replace(/^/gm, '        ')}` };
  } catch (error) {
    if (error instanceof ConfigError) return { name: 'provider', ok: false, detail: error.message };
    throw error;
  }
}

function homeCheck(home: string): Check {
  try {
    const stat = statSync(home);
    if (!stat.isDirectory()) return { name: 'ward home', ok: false, detail: `${home} is not a folder (set WARD_HOME to a folder)` };
    const open = (stat.mode & 0o077) !== 0;
    return { name: 'ward home', ok: !open, detail: open ? `${home} is readable by other users: chmod 700 ${home}` : home };
  } catch {
    return { name: 'ward home', ok: true, detail: `${home} (created on first use)` };
  }
}

function firstLine(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', timeout: 5000 }).split('\n')[0] ?? '';
  } catch {
    return 'present, but did not answer --version';
  }
}
