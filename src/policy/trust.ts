/**
 * Trust in a project's own settings. Project settings that widen what ward may do take effect
 * only after the user trusts that exact content: trust is recorded against a SHA-256 digest of
 * the files, so any later change (a new commit, a edit by a command) asks again. The record
 * lives in ward's home, which sandboxed commands can neither read nor write.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { LoadedSettingsFile } from './settings/load.ts';
import type { Settings } from './settings/schema.ts';

const trustFileSchema = z.object({
  version: z.literal(1),
  projects: z.record(z.string(), z.object({ digest: z.string().regex(/^[0-9a-f]{64}$/), trustedAt: z.string() })),
});
type TrustFile = z.infer<typeof trustFileSchema>;

export class TrustStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustStoreError';
  }
}

/** The digest of a project's settings files: their names and exact bytes. */
export function projectSettingsDigest(files: readonly (LoadedSettingsFile | null)[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    if (file === null) continue;
    hash.update(file.path).update('\0').update(file.raw).update('\0');
  }
  return hash.digest('hex');
}

/** What in these settings widens ward's permissions, in words; empty when nothing does. */
export function wideningIn(settings: Settings): string[] {
  const found: string[] = [];
  const permissions = settings.permissions;
  if ((permissions?.allow ?? []).length > 0) found.push(`allow rules: ${(permissions?.allow ?? []).join(', ')}`);
  const mode = permissions?.defaultMode;
  if (mode === 'accept-edits' || mode === 'auto' || mode === 'bypass') found.push(`defaultMode ${mode}`);
  if (settings.provider?.baseUrl !== undefined) found.push(`provider baseUrl ${settings.provider.baseUrl}`);
  if (settings.provider?.name !== undefined) found.push(`provider ${settings.provider.name}`);
  if (settings.env !== undefined && Object.keys(settings.env).length > 0) found.push(`environment variables: ${Object.keys(settings.env).join(', ')}`);
  const domains = settings.sandbox?.network?.allowedDomains ?? [];
  if (domains.length > 0) found.push(`network domains: ${domains.join(', ')}`);
  if (settings.sandbox?.enabled === false) found.push('sandbox disabled (never honoured from project settings)');
  return found;
}

export class TrustStore {
  readonly path: string;

  constructor(wardHome: string) {
    this.path = join(wardHome, 'trust.json');
  }

  isTrusted(projectRealPath: string, digest: string): boolean {
    return this.#read().projects[projectRealPath]?.digest === digest;
  }

  trust(projectRealPath: string, digest: string): void {
    const file = this.#read();
    file.projects[projectRealPath] = { digest, trustedAt: new Date().toISOString() };
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.path);
  }

  #read(): TrustFile {
    let raw: string;
    try {
      raw = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, projects: {} };
      throw new TrustStoreError(`cannot read ${this.path}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new TrustStoreError(`${this.path} is not valid JSON; remove it to start trust records afresh (every project will ask again)`);
    }
    const parsed = trustFileSchema.safeParse(json);
    if (!parsed.success) throw new TrustStoreError(`${this.path} is not a ward trust file; remove it to start afresh (every project will ask again)`);
    return parsed.data;
  }
}
