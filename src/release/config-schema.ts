/**
 * The release gate's configuration, from package.json `"ward": {"releaseCheck": {...}}` or from
 * `.ward/release-check.json`. Strict: an unknown key is an error that names it, because a typo
 * in an allowlist would otherwise silently keep a finding (or worse, an ignore) from applying.
 */
import { z } from 'zod';

export const releaseCheckConfigSchema = z
  .strictObject({
    /** Fail (instead of warn) on a package.json with no `files` allowlist. */
    strict: z.boolean().default(false),
    /** The lowest severity that fails the check: `error` (default) or `warning`. */
    failOn: z.enum(['error', 'warning']).default('error'),
    /**
     * Whether the package is open source. `auto` reads the license field: none, UNLICENSED and
     * "SEE LICENSE IN ..." count as closed. Closed packages must never ship embedded source.
     */
    openSource: z.enum(['auto', 'open', 'closed']).default('auto'),
    /** Globs (package-relative) of sources that must never ship, even inside a map's sourcesContent. */
    confidential: z.array(z.string().min(1)).default([]),
    allow: z
      .strictObject({
        /** Published paths (globs) exempt from the secret and unwanted-file checks. */
        paths: z.array(z.string().min(1)).default([]),
        /** Fingerprints of reviewed findings (printed with each finding). */
        fingerprints: z.array(z.string().min(1)).default([]),
        /** Registries whose `resolved` URLs the lockfile may use (prefix match). */
        registries: z.array(z.url()).default(['https://registry.npmjs.org/']),
        /** Packages allowed to run install scripts (listed as info instead of warning). */
        installScripts: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
    /** Rules to skip altogether (by rule id). */
    ignoreRules: z.array(z.string().min(1)).default([]),
    /** Growth of the unpacked size against the previous version that counts as a finding, in percent. */
    sizeGrowthPercent: z.number().positive().default(25),
    /** Extra advisory list files (same format as ward's own), paths relative to the package. */
    advisories: z.array(z.string().min(1)).default([]),
  });

export type ReleaseCheckConfig = z.infer<typeof releaseCheckConfigSchema>;

export function defaultReleaseCheckConfig(): ReleaseCheckConfig {
  return releaseCheckConfigSchema.parse({});
}
