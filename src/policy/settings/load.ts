/**
 * Reads one settings file. A missing file is no settings; anything else that is wrong (not
 * readable, not JSON, not the schema) is an error naming the file and the field, never skipped.
 */
import { readFileSync } from 'node:fs';
import { settingsSchema, type Settings } from './schema.ts';

export class SettingsError extends Error {
  readonly path: string;

  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'SettingsError';
    this.path = path;
  }
}

export interface LoadedSettingsFile {
  readonly path: string;
  /** The exact bytes read, for trust hashing. */
  readonly raw: string;
  readonly settings: Settings;
}

export function loadSettingsFile(path: string): LoadedSettingsFile | null {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'EISDIR') throw new SettingsError(path, 'is a folder, not a settings file');
    throw new SettingsError(path, `cannot be read (${code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new SettingsError(path, `is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = settingsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '(top level)' : issue.path.join('.');
    const extra = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem${parsed.error.issues.length > 2 ? 's' : ''})` : '';
    throw new SettingsError(path, `field ${where}: ${issue?.message ?? 'invalid'}${extra}`);
  }
  return { path, raw, settings: parsed.data };
}
