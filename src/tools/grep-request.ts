/** What one grep call asks of a backend, shared by the ripgrep and JavaScript backends. */
import type { GrepMode } from './grep-output.ts';
import type { SearchScope } from './search-scope.ts';

/** Files larger than this are not searched (ripgrep's --max-filesize, and the fallback's limit). */
export const GREP_MAX_FILE_BYTES = 20 * 1024 * 1024;

export interface GrepRequest {
  readonly pattern: string;
  readonly caseInsensitive: boolean;
  readonly mode: GrepMode;
  /** Lines of context around each match (content mode only). */
  readonly context: number;
  /** The folder the search runs in; reported paths are relative to it. */
  readonly dir: string;
  /** The name of the one file searched in `dir`, or null for a folder search. */
  readonly file: string | null;
  /** For a folder search, which files are searched. */
  readonly scope: SearchScope | null;
}

/** The pattern is not a valid regular expression; the message says why. */
export class GrepPatternError extends Error {}
