import { readFileSync } from 'node:fs';

// Replaced with the package version by the build (scripts/build.ts); absent when running from source.
declare const __WARD_VERSION__: string | undefined;

export function wardVersion(): string {
  if (typeof __WARD_VERSION__ === 'string') return __WARD_VERSION__;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0-unknown';
}
