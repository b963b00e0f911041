/**
 * `ward permissions`, `ward permissions check CALL`, `ward trust` and `ward doctor`: they
 * answer from the same settings, trust, sandbox detection and policy engine a session uses.
 */
import type { SubcommandArgs } from './args.ts';
import { EXIT } from '../agent/exit-codes.ts';
import { userHome, wardHome } from '../session/home.ts';
import { resolveProjectDir } from './project-dir.ts';
import { runDoctor } from './doctor.ts';
import { printCheck, printPermissions } from './permissions-report.ts';
import { setUpPolicy } from './policy-setup.ts';
import { trustProject } from './trust-command.ts';

export async function runSubcommand(args: SubcommandArgs): Promise<number> {
  const env = process.env;
  const projectRoot = resolveProjectDir(args.cwd);
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  if (args.command === 'doctor') return runDoctor({ args, projectRoot, env, out });
  if (args.command === 'trust') return trustProject({ projectRoot, wardHome: wardHome(env), out });

  const setup = await setUpPolicy({
    projectRoot,
    wardHome: wardHome(env),
    home: userHome(env),
    env,
    permissionMode: args.permissionMode,
    allowedTools: args.allowedTools,
    disallowedTools: args.disallowedTools,
    trustProject: args.trustProject,
  });
  try {
    if (args.check !== undefined) return await printCheck(args.check, setup, projectRoot, out);
    printPermissions(setup, projectRoot, out);
    return EXIT.success;
  } finally {
    await setup.close();
  }
}
