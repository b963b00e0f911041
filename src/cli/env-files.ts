/**
 * Finds .env files in a project so the sandbox can hide them. Bounded: a few levels deep,
 * skipping dependency and VCS folders, so a huge tree does not slow every start.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set(['node_modules', '.git', 'dist', 'build', 'target', 'vendor', '.venv', 'venv']);
const MAX_DEPTH = 4;
const MAX_ENTRIES = 20_000;

export function findEnvFiles(root: string): string[] {
  const found: string[] = [];
  let seen = 0;
  const walk = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (++seen > MAX_ENTRIES) return;
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH && !SKIP.has(entry.name)) walk(join(dir, entry.name), depth + 1);
      } else if (entry.name === '.env' || entry.name.startsWith('.env.')) {
        found.push(join(dir, entry.name));
      }
    }
  };
  walk(root, 0);
  return found;
}
