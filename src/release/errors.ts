/**
 * An input problem the user has to fix before the gate can run (no package.json, a file that is
 * not a tarball, ...). The CLI maps it to exit code 2, distinct from "findings" (exit 1), so CI
 * can tell a broken invocation from a package that failed the gate.
 */
export class ReleaseInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ReleaseInputError';
  }
}
