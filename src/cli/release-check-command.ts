/**
 * `ward release-check`: runs the release gate (src/release) and prints its report. Exit 0 when
 * nothing needs attention (information only), 1 on findings, 2 when the input or the command
 * line is wrong (the message names what and how to fix it).
 */
import { writeFileSync } from 'node:fs';
import { EXIT } from '../agent/exit-codes.ts';
import { ReleaseInputError } from '../release/errors.ts';
import { formatJsonReport } from '../release/report/json.ts';
import { formatSarifReport } from '../release/report/sarif.ts';
import { formatTextReport, summaryLine } from '../release/report/text.ts';
import { reportPassed } from '../release/report/verdict.ts';
import { defaultRegistry, runReleaseCheck } from '../release/run-check.ts';
import type { ReleaseCheckReport } from '../release/types.ts';
import { RELEASE_CHECK_HELP, type ReleaseCheckArgs } from './release-check-args.ts';
import { wardVersion } from './version.ts';

export async function runReleaseCheckCommand(args: ReleaseCheckArgs): Promise<number> {
  if (args.help) {
    process.stdout.write(RELEASE_CHECK_HELP);
    return EXIT.success;
  }
  let report: ReleaseCheckReport;
  try {
    report = await runReleaseCheck({
      target: args.target,
      configPath: args.config,
      previousTarball: args.previous,
      registry: args.noRegistry ? null : (args.registry ?? defaultRegistry(process.env)),
      lockfile: args.noLockfile ? null : args.lockfile,
      advisoryFiles: args.advisories,
      strict: args.strict,
      failOn: args.failOn,
    });
  } catch (error) {
    if (error instanceof ReleaseInputError) {
      process.stderr.write(`ward release-check: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  const text = render(report, args);
  if (args.output !== undefined) {
    try {
      writeFileSync(args.output, text);
    } catch (error) {
      process.stderr.write(`ward release-check: cannot write the report to ${args.output}: ${(error as Error).message}\n`);
      return EXIT.usage;
    }
    // The verdict still reaches the terminal (or the CI log) when the report goes to a file.
    process.stderr.write(`${summaryLine(report)} — ${reportPassed(report) ? 'passed' : 'failed'}\n`);
  } else {
    process.stdout.write(text);
  }
  return reportPassed(report) ? EXIT.success : EXIT.failure;
}

function render(report: ReleaseCheckReport, args: ReleaseCheckArgs): string {
  if (args.format === 'json') return formatJsonReport(report, wardVersion());
  if (args.format === 'sarif') return formatSarifReport(report, wardVersion());
  const color = args.output === undefined && process.stdout.isTTY && process.env.NO_COLOR === undefined;
  return formatTextReport(report, { color });
}
