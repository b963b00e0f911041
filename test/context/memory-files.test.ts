/**
 * AGENTS.md memory files read from real folders: order, imports, the trust boundary, cycles,
 * the depth limit and the size cap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMemorySection, loadMemoryFiles } from '../../src/context/memory-files.ts';

function tree(): { root: string; home: string; repo: string; work: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'ward-memory-'));
  const home = join(root, 'home');
  const repo = join(root, 'repo');
  const work = join(repo, 'packages', 'app');
  mkdirSync(home, { recursive: true });
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(work, { recursive: true });
  return { root, home, repo, work, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

test('user, repository root, intermediate and working-directory files come in that order, each under its path', () => {
  const t = tree();
  try {
    writeFileSync(join(t.home, 'AGENTS.md'), 'USER RULE\n');
    writeFileSync(join(t.repo, 'AGENTS.md'), 'ROOT RULE\n');
    writeFileSync(join(t.repo, 'packages', 'AGENTS.md'), 'PACKAGES RULE\n');
    writeFileSync(join(t.work, 'AGENTS.md'), 'APP RULE\n');
    const memory = loadMemoryFiles({ projectRoot: t.work, userDir: t.home, importsOutsideProjectAllowed: false });
    const text = formatMemorySection(memory);
    const order = ['USER RULE', 'ROOT RULE', 'PACKAGES RULE', 'APP RULE'].map((rule) => text.indexOf(rule));
    assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > (order[i - 1] ?? 0))), text);
    assert.match(text, new RegExp(`## ${join(t.work, 'AGENTS.md').replace(/[.]/g, '\\.')}\\n\\nAPP RULE`));
    assert.deepEqual(memory.files.map((file) => file.bytes), [10, 10, 14, 9]);
    assert.equal(memory.totalBytes, 43);
    assert.deepEqual(memory.warnings, []);
  } finally {
    t.cleanup();
  }
});

test('without .git the project itself is the top: files above it are not read', () => {
  const t = tree();
  try {
    rmSync(join(t.repo, '.git'), { recursive: true });
    writeFileSync(join(t.repo, 'AGENTS.md'), 'ABOVE\n');
    writeFileSync(join(t.work, 'AGENTS.md'), 'HERE\n');
    const text = formatMemorySection(loadMemoryFiles({ projectRoot: t.work, userDir: null, importsOutsideProjectAllowed: false }));
    assert.match(text, /HERE/);
    assert.doesNotMatch(text, /ABOVE/);
  } finally {
    t.cleanup();
  }
});

test('@imports are expanded in place relative to the importing file, and reported with their size', () => {
  const t = tree();
  try {
    mkdirSync(join(t.repo, 'docs'));
    writeFileSync(join(t.repo, 'docs', 'style.md'), 'STYLE: tabs\n@more.md\n');
    writeFileSync(join(t.repo, 'docs', 'more.md'), 'MORE: no semicolons\n');
    writeFileSync(join(t.repo, 'AGENTS.md'), 'before\n@docs/style.md\nafter\n');
    const memory = loadMemoryFiles({ projectRoot: t.repo, userDir: null, importsOutsideProjectAllowed: false });
    assert.match(formatMemorySection(memory), /before\nSTYLE: tabs\nMORE: no semicolons\nafter/);
    assert.deepEqual(
      memory.files.map((file) => [file.path, file.importedBy]),
      [
        [join(t.repo, 'AGENTS.md'), undefined],
        [join(t.repo, 'docs', 'style.md'), join(t.repo, 'AGENTS.md')],
        [join(t.repo, 'docs', 'more.md'), join(t.repo, 'docs', 'style.md')],
      ],
    );
  } finally {
    t.cleanup();
  }
});

test('an import from outside the project is skipped with a warning unless the project is trusted', () => {
  const t = tree();
  try {
    writeFileSync(join(t.root, 'secret.txt'), 'TOP SECRET\n');
    writeFileSync(join(t.repo, 'AGENTS.md'), `@${join(t.root, 'secret.txt')}\n@../secret.txt\n`);
    const untrusted = loadMemoryFiles({ projectRoot: t.repo, userDir: null, importsOutsideProjectAllowed: false });
    assert.doesNotMatch(formatMemorySection(untrusted), /TOP SECRET/);
    assert.equal(untrusted.warnings.filter((w) => /outside the project/.test(w)).length, 2);
    const trusted = loadMemoryFiles({ projectRoot: t.repo, userDir: null, importsOutsideProjectAllowed: true });
    assert.match(formatMemorySection(trusted), /TOP SECRET/);
  } finally {
    t.cleanup();
  }
});

test('cycles and chains deeper than five levels stop with a warning', () => {
  const t = tree();
  try {
    writeFileSync(join(t.repo, 'a.md'), 'A\n@b.md\n');
    writeFileSync(join(t.repo, 'b.md'), 'B\n@a.md\n');
    for (let i = 1; i <= 7; i++) writeFileSync(join(t.repo, `d${i}.md`), `D${i}\n@d${i + 1}.md\n`);
    writeFileSync(join(t.repo, 'd8.md'), 'D8\n');
    writeFileSync(join(t.repo, 'AGENTS.md'), '@a.md\n@d1.md\n');
    const memory = loadMemoryFiles({ projectRoot: t.repo, userDir: null, importsOutsideProjectAllowed: false });
    const text = formatMemorySection(memory);
    assert.equal(text.match(/^A$/gm)?.length, 1);
    assert.match(text, /D5/);
    assert.doesNotMatch(text, /D6/);
    assert.ok(memory.warnings.some((w) => /cycle/.test(w)), memory.warnings.join('\n'));
    assert.ok(memory.warnings.some((w) => /levels deep/.test(w)), memory.warnings.join('\n'));
  } finally {
    t.cleanup();
  }
});

test('a file over the cap is cut to the cap with a warning naming its size', () => {
  const t = tree();
  try {
    writeFileSync(join(t.repo, 'AGENTS.md'), `${'x'.repeat(100)}TAIL`);
    const memory = loadMemoryFiles({ projectRoot: t.repo, userDir: null, importsOutsideProjectAllowed: false, maxFileBytes: 50 });
    assert.doesNotMatch(formatMemorySection(memory), /TAIL/);
    assert.equal(memory.files[0]?.bytes, 104);
    assert.match(memory.warnings.join('\n'), /104 bytes; only its first 50 bytes/);
  } finally {
    t.cleanup();
  }
});
