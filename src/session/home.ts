/**
 * The one module that knows where the user's home and ward's state live. Everything else asks
 * here, so tests can point WARD_HOME at a temp dir and nothing touches the real home.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function userHome(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.HOME ?? homedir();
}

/** $WARD_HOME, or ~/.ward. */
export function wardHome(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const configured = env.WARD_HOME;
  if (configured !== undefined && configured !== '') return configured;
  return join(userHome(env), '.ward');
}
