/**
 * `ward trust`: records that the user trusts this exact content of the project's settings
 * files. Running it is the approval; any later change to either file asks again.
 */
import { EXIT } from '../agent/exit-codes.ts';
import { loadSettingsFile, SettingsError } from '../policy/settings/load.ts';
import { settingsPaths } from '../policy/settings/layers.ts';
import { projectSettingsDigest, TrustStore, TrustStoreError, wideningIn } from '../policy/trust.ts';
import { UsageError } from './usage-error.ts';

export function trustProject(input: { projectRoot: string; wardHome: string; out: (line?: string) => void }): number {
  const paths = settingsPaths(input.projectRoot, input.wardHome);
  let project;
  let local;
  try {
    project = loadSettingsFile(paths.project);
    local = loadSettingsFile(paths['project-local']);
  } catch (error) {
    if (error instanceof SettingsError) throw new UsageError(`invalid settings: ${error.message}`, 'fix the file before trusting it');
    throw error;
  }
  if (project === null && local === null) {
    input.out(`${input.projectRoot} has no .ward/settings.json or .ward/settings.local.json: nothing to trust.`);
    return EXIT.success;
  }
  const widening = [...(project ? wideningIn(project.settings) : []), ...(local ? wideningIn(local.settings) : [])];
  const digest = projectSettingsDigest([project, local]);
  try {
    new TrustStore(input.wardHome).trust(input.projectRoot, digest);
  } catch (error) {
    if (error instanceof TrustStoreError) throw new UsageError(error.message);
    throw error;
  }
  input.out(`trusted the settings of ${input.projectRoot} (sha256 ${digest.slice(0, 16)}…):`);
  for (const file of [project, local]) if (file !== null) input.out(`  ${file.path}`);
  input.out(widening.length === 0 ? 'they widen nothing.' : `they widen: ${widening.join('; ')}`);
  input.out('any change to these files will need `ward trust` again.');
  return EXIT.success;
}
