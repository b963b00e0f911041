/**
 * `ward release-check [TARGET] [options]`: parsed apart from the agent's flags, because the
 * gate is a tool of its own (run in CI on any npm package) and shares none of them.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.ts';

export type ReleaseCheckFormat = 'text' | 'json' | 'sarif';

export interface ReleaseCheckArgs {
  readonly command: 'release-check';
  readonly help: boolean;
  /** A package directory or a .tgz made by npm pack; default the current directory. */
  readonly target: string;
  readonly format: ReleaseCheckFormat;
  /** Write the report here instead of standard output. */
  readonly output: string | undefined;
  readonly config: string | undefined;
  /** A .tgz of the previous version; undefined asks the registry (unless noRegistry). */
  readonly previous: string | undefined;
  readonly registry: string | undefined;
  readonly noRegistry: boolean;
  /** An explicit lockfile; undefined finds one beside the package. */
  readonly lockfile: string | undefined;
  readonly noLockfile: boolean;
  readonly advisories: readonly string[];
  readonly strict: boolean;
  readonly failOn: 'error' | 'warning' | undefined;
}

const OPTIONS = {
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  config: { type: 'string' },
  previous: { type: 'string' },
  registry: { type: 'string' },
  'no-registry': { type: 'boolean' },
  lockfile: { type: 'string' },
  'no-lockfile': { type: 'boolean' },
  advisories: { type: 'string', multiple: true },
  strict: { type: 'boolean' },
  'fail-on': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HINT = 'run ward release-check --help for its options';

export const RELEASE_CHECK_HELP = `ward release-check [TARGET] [options]

Checks what an npm package would publish (exactly the files npm pack would include) and its
lockfile, before you publish. TARGET is a package directory (default: the current one) or a
.tgz made by npm pack.

Finds: source maps that carry source, secrets, files that should not ship, changes against
the previous version (new install scripts, dependencies, files, size), and lockfile risks
(missing integrity, foreign registries, git/http/file dependencies, install scripts, versions
in the advisory list).

Options:
  --format text|json|sarif   report format (default text; sarif for code-scanning upload)
  -o, --output FILE          write the report to FILE instead of standard output
  --config FILE              configuration file (default: package.json "ward.releaseCheck"
                             or .ward/release-check.json in the package directory)
  --previous FILE.tgz        compare with this tarball of the previous version
  --registry URL             registry to fetch the previous version from (default:
                             $npm_config_registry or https://registry.npmjs.org/)
  --no-registry              do not contact a registry (no comparison unless --previous)
  --lockfile FILE            lockfile to check (default: npm-shrinkwrap.json or
                             package-lock.json beside the package, or in the tarball)
  --no-lockfile              skip the lockfile checks
  --advisories FILE          an extra advisory list (JSON, same format as ward's own);
                             may be repeated
  --strict                   a package.json without a "files" allowlist is an error
  --fail-on error|warning    the lowest severity that fails the check (default error:
                             warnings are shown for review but do not fail)
  -h, --help                 this help

Exit status: 0 passed (no errors; warnings and information are shown), 1 failed, 2 a usage
or input error.
`;

export function parseReleaseCheckArgs(argv: readonly string[]): ReleaseCheckArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^Unknown option/, 'unknown option for ward release-check'), HINT);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`ward release-check takes one package directory or .tgz, got ${positionals.length}: ${positionals.join(' ')}`, HINT);
  const failOn = values['fail-on'];
  if (failOn !== undefined && failOn !== 'error' && failOn !== 'warning') throw new UsageError(`--fail-on must be error or warning, not "${failOn}"`, HINT);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${format}"`, HINT);
  if (values['no-registry'] === true && values.registry !== undefined) throw new UsageError('--registry and --no-registry cannot be combined', HINT);
  if (values['no-lockfile'] === true && values.lockfile !== undefined) throw new UsageError('--lockfile and --no-lockfile cannot be combined', HINT);
  if (values.registry !== undefined && !URL.canParse(values.registry)) throw new UsageError(`--registry must be a URL such as https://registry.npmjs.org/, not "${values.registry}"`, HINT);
  for (const [name, value] of Object.entries({ output: values.output, config: values.config, previous: values.previous, lockfile: values.lockfile })) {
    if (value !== undefined && value.trim() === '') throw new UsageError(`--${name} needs a file name`, HINT);
  }
  return {
    command: 'release-check',
    help: values.help === true,
    target: positionals[0] ?? '.',
    format,
    output: values.output,
    config: values.config,
    previous: values.previous,
    registry: values.registry,
    noRegistry: values['no-registry'] === true,
    lockfile: values.lockfile,
    noLockfile: values['no-lockfile'] === true,
    advisories: values.advisories ?? [],
    strict: values.strict === true,
    failOn,
  };
}
