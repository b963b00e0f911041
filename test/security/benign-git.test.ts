/**
 * Benign suite, git: the everyday git commands in auto mode run in the sandbox without a
 * prompt and behave exactly as they do outside it (output, exit code, and the repository
 * afterwards). Fixture: test/security/benign-fixture.ts (three commits, src/math.js changed,
 * notes.txt untracked).
 */
import { benignSession } from './benign-session.ts';

benignSession('benign git: looking at the repository', [
  { command: 'git status', shows: /modified: {3}src\/math\.js[\s\S]*notes\.txt/ },
  { command: 'git status --short', shows: /^ M src\/math\.js\n\?\? notes\.txt$/ },
  { command: 'git diff', shows: /\+export function subtract/ },
  { command: 'git diff --stat', shows: /1 file changed, 4 insertions/ },
  { command: 'git log --oneline', shows: /Add multiply[\s\S]*Add a greeting[\s\S]*Initial commit/ },
  { command: 'git log -3 --format=%s', shows: /^Add multiply, tests and the build script\nAdd a greeting\nInitial commit: math helpers$/ },
  { command: 'git show --stat HEAD', shows: /Author: Fixture Author[\s\S]*5 files changed/ },
  { command: 'git branch', shows: /^\* main$/ },
  { command: 'git rev-parse HEAD', shows: /^[0-9a-f]{40}$/ },
  { command: 'git ls-files', shows: /^\.gitignore\n\.npmrc\nREADME\.md\ndata\/words\.txt/ },
  { command: 'git blame src/greet.js', shows: /\(Fixture Author 2024-03-02 10:00:00 \+0000 1\) \/\/ TODO/ },
]);

benignSession('benign git: changing the repository', [
  { command: 'git stash', shows: /Saved working directory and index state WIP on main/ },
  { command: 'git status --short', shows: /^\?\? notes\.txt$/ },
  { command: 'git stash pop', shows: /Dropped refs\/stash@\{0\}/ },
  { command: 'git checkout -b feature', shows: /Switched to a new branch 'feature'/ },
  { edit: 'README.md', oldString: 'used by ward', newString: 'used (and changed) by ward' },
  { command: 'git add -A' },
  { command: 'git commit -m "Describe the feature"', shows: /\[feature <new commit>\] Describe the feature\n 3 files changed/ },
  { command: 'git log --oneline -2', shows: /^<new commit> Describe the feature\n[0-9a-f]{7} Add multiply/ },
  { command: 'git switch -', shows: /Switched to branch 'main'/ },
  { command: 'git branch', shows: /^ {2}feature\n\* main$/ },
  { command: 'git status --short', shows: /^$/ },
]);

benignSession('benign git: cleaning up', [
  { command: 'mkdir -p out && echo log > out/run.log', shows: /^$/ },
  { command: 'git clean -n -d', shows: /^Would remove notes\.txt\nWould remove out\/$/ },
  { command: 'git clean -fd', shows: /^Removing notes\.txt\nRemoving out\/$/ },
  { command: 'git status --short --ignored', shows: /^ M src\/math\.js\n!! node_modules\/$/ },
]);

benignSession(
  'benign git: committing in a repository without .git/hooks',
  [
    { command: 'git status --short', shows: /^ M src\/math\.js\n\?\? notes\.txt$/ },
    { command: 'git add -A' },
    { command: 'git commit -m "Add subtract"', shows: /\[main <new commit>\] Add subtract\n 2 files changed/ },
    { command: 'git log --oneline -1', shows: /^<new commit> Add subtract$/ },
  ],
  { hooksFolder: false },
);
