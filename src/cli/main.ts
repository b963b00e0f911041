/**
 * ward's entry point. `--version` and `--help` answer before anything heavy loads; the rest
 * of ward (zod schemas, SDKs, tools) is imported only when a session actually runs.
 */
import { HELP_TEXT } from './help.ts';
import { wardVersion } from './version.ts';

async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    process.stdout.write(`${wardVersion()}\n`);
    return 0;
  }
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    process.stdout.write(HELP_TEXT);
    return 0;
  }
  const { runCli } = await import('./run-cli.ts');
  return runCli(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ward: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
