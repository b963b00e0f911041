/** Resolves and checks the project folder before anything else runs in it. */
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './usage-error.ts';

export function resolveProjectDir(cwdFlag: string | undefined): string {
  let requested: string;
  try {
    requested = resolve(cwdFlag ?? process.cwd());
  } catch {
    throw new UsageError('the current directory no longer exists', 'cd into your project folder, or pass --cwd DIR');
  }
  const label = cwdFlag === undefined ? 'the current directory' : `--cwd ${cwdFlag}`;
  let real: string;
  try {
    real = realpathSync(requested);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EACCES') {
      throw new UsageError(`${label} (${requested}) cannot be reached: a folder on the way is not searchable by this user`);
    }
    throw new UsageError(`${label} (${requested}) does not exist`, 'pass --cwd with an existing project folder');
  }
  if (!statSync(real).isDirectory()) throw new UsageError(`${label} (${requested}) is not a directory`);
  try {
    accessSync(real, constants.R_OK | constants.X_OK);
  } catch {
    throw new UsageError(`${label} (${requested}) is not readable by this user`, 'check its permissions, or run ward in a folder you can read');
  }
  return real;
}
