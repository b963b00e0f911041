/**
 * The settings layers, highest first. Nothing below managed can override it; command-line
 * flags come next; then the project's own files; then the user's.
 */
import { join } from 'node:path';

export type Layer = 'managed' | 'cli' | 'project-local' | 'project' | 'user';

export const LAYER_ORDER: readonly Layer[] = ['managed', 'cli', 'project-local', 'project', 'user'];

/** Where a rule or a setting came from, for every reason ward gives. */
export interface Origin {
  readonly layer: Layer;
  /** The file, or the flag for the cli layer. */
  readonly source: string;
}

export const MANAGED_SETTINGS_PATH = '/etc/ward/managed-settings.json';

export function settingsPaths(projectRoot: string, wardHome: string): Record<Exclude<Layer, 'cli'>, string> {
  return {
    managed: MANAGED_SETTINGS_PATH,
    'project-local': join(projectRoot, '.ward', 'settings.local.json'),
    project: join(projectRoot, '.ward', 'settings.json'),
    user: join(wardHome, 'settings.json'),
  };
}

export function describeOrigin(origin: Origin): string {
  return origin.layer === 'cli' ? origin.source : `${origin.layer} settings ${origin.source}`;
}
