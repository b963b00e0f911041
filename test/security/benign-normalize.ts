/**
 * What may differ between ward's copy of the project and the reference copy, and nothing more.
 * Each normalisation replaces one thing that must differ with a placeholder; the reason is given
 * with each. Everything else is compared byte for byte.
 */

/** Opt-in normalisations, named by the commands that need them. */
export type Normalization = 'ls-times' | 'test-durations';

export interface CopyFacts {
  /** The copy's project folder (real path). */
  readonly project: string;
  /** Full ids of the commits the session created in this copy (stash commits included). */
  readonly newCommits: readonly string[];
}

/**
 * The two copies live at different absolute paths (`<root>/ward/project`, `<root>/host/project`),
 * so any path a command prints differs by that prefix.
 */
export function normalizeProjectPath(text: string, facts: CopyFacts): string {
  return text.split(facts.project).join('<project>');
}

/**
 * A commit's id hashes its author and committer dates, which are the second the commit was
 * made: the same `git commit` run in the two copies seconds apart makes commits with different
 * ids. Only ids (full or abbreviated) of commits this session created are replaced; the
 * fixture's history is identical in both copies and compared as is.
 */
export function normalizeNewCommits(text: string, facts: CopyFacts): string {
  if (facts.newCommits.length === 0) return text;
  return text.replace(/\b[0-9a-f]{7,40}\b/g, (word) => (facts.newCommits.some((id) => id.startsWith(word)) ? '<new commit>' : word));
}

/**
 * `ls -l` prints modification times. The copies are made, and the session's commands change
 * them, at different moments, so the date column differs even when nothing else does.
 */
function normalizeLsTimes(text: string): string {
  return text.replace(/^([-dlcbps][-rwxsStT]{9}[.+@]?\s+\d+\s+\S+\s+\S+\s+\d+\s+)\w{3}\s+\d{1,2}\s+(?:\d{1,2}:\d{2}|\d{4})(?= )/gm, '$1<mtime>');
}

/** Test runners print how long each test took; no two runs take the same time. */
function normalizeTestDurations(text: string): string {
  return text.replace(/duration_ms:? [0-9.]+/g, 'duration_ms <n>').replace(/\([0-9.]+ms\)/g, '(<n>ms)');
}

const OPT_IN: Record<Normalization, (text: string) => string> = {
  'ls-times': normalizeLsTimes,
  'test-durations': normalizeTestDurations,
};

/** Applies the normalisations every output needs, then the ones this command opted into. */
export function normalizeOutput(text: string, facts: CopyFacts, optIn: readonly Normalization[] = []): string {
  let result = normalizeNewCommits(normalizeProjectPath(text, facts), facts);
  for (const name of optIn) result = OPT_IN[name](result);
  return result;
}

/**
 * Reflog lines end their identity with the time the entry was written (`<email> 1732170000
 * +0000`), and commit objects carry the time they were made: both are the moment the session's
 * command ran in that copy.
 */
export function normalizeGitTimestamps(text: string): string {
  return text.replace(/(<[^>\n]*>) \d+ [+-]\d{4}/g, '$1 <time>');
}
