/**
 * Dispatches a parsed command line and turns errors into exit codes and messages.
 */
import { parseCommandLine } from './args.ts';
import { EXIT } from '../agent/exit-codes.ts';
import { HELP_TEXT } from './help.ts';
import { UsageError } from './usage-error.ts';
import { wardVersion } from './version.ts';

export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    const args = parseCommandLine(argv);
    if (args.command === 'help') {
      process.stdout.write(HELP_TEXT);
      return EXIT.success;
    }
    if (args.command === 'version') {
      process.stdout.write(`${wardVersion()}\n`);
      return EXIT.success;
    }
    if (args.command === 'release-check') {
      const { runReleaseCheckCommand } = await import('./release-check-command.ts');
      return await runReleaseCheckCommand(args);
    }
    if (args.command === 'audit') {
      const { runAuditCommand } = await import('./audit-command.ts');
      return await runAuditCommand(args);
    }
    if (args.command !== 'run') {
      const { runSubcommand } = await import('./subcommands.ts');
      return await runSubcommand(args);
    }
    if (!args.print) {
      throw new UsageError(
        'the interactive terminal UI is not available yet; run a task headless with: ward -p "your task"',
        'ward --help lists every option',
      );
    }
    const { runHeadless } = await import('./headless.ts');
    return await runHeadless(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`ward: ${error.message}\n`);
      if (error.hint !== undefined) process.stderr.write(`  ${error.hint}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
