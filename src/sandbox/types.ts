/**
 * One interface for every way ward runs a program. A backend turns a command into the
 * process to spawn: the plain host runner returns it unchanged; bubblewrap and Seatbelt
 * (a later issue) wrap it. Tools never spawn anything except through a Sandbox.
 */

export interface SpawnSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

export interface Sandbox {
  /** A short name for messages and events: `none`, `bubblewrap`, `seatbelt`. */
  readonly name: string;
  /** Whether what runs through this backend is confined. */
  readonly confining: boolean;
  wrap(spec: SpawnSpec): SpawnSpec;
}
