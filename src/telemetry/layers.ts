/**
 * Which settings files may say anything about telemetry: the user's and their organisation's,
 * never a repository's. A project that could turn export on would send the user's session
 * (tool names, decisions, token counts, and with `includeContent` prompts and file contents)
 * to an endpoint of the repository author's choosing; so project settings are ignored, with a
 * warning. What the two remaining layers mean together is decided in config.ts.
 */
import type { LoadedSettingsFile } from '../policy/settings/load.ts';
import { describeOrigin, type Layer } from '../policy/settings/layers.ts';
import type { Settings } from '../policy/settings/schema.ts';

export type TelemetrySettings = NonNullable<Settings['telemetry']>;

export interface TelemetryLayer {
  readonly settings: TelemetrySettings;
  /** The settings file, for messages. */
  readonly source: string;
}

export interface TelemetryLayers {
  readonly managed: TelemetryLayer | null;
  readonly user: TelemetryLayer | null;
}

export function resolveTelemetryLayers(layers: readonly { layer: Layer; file: LoadedSettingsFile | null }[], warnings: string[]): TelemetryLayers {
  let managed: TelemetryLayer | null = null;
  let user: TelemetryLayer | null = null;
  for (const { layer, file } of layers) {
    const settings = file?.settings.telemetry;
    if (file === null || settings === undefined) continue;
    if (layer === 'managed') managed = { settings, source: file.path };
    else if (layer === 'user') user = { settings, source: file.path };
    else warnings.push(`${describeOrigin({ layer, source: file.path })}: telemetry is ignored (only your user settings or managed settings decide whether and where ward exports telemetry)`);
  }
  return { managed, user };
}
