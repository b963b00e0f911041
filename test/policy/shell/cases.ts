/**
 * Table-driven checks for the shell analyser: each case is a command line and what the policy
 * must be told about it. Whatever a case names is compared exactly: `argv` is every command in
 * source order, `paths` every access as "read x" / "write x" (sorted), `risks` the set of risk
 * kinds. `risksInclude` is for inputs whose other findings are incidental (NUL bytes).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeShell } from '../../../src/policy/shell/analyze.ts';
import type { ShellAnalysis } from '../../../src/policy/shell/types.ts';

export interface Case {
  readonly command: string;
  readonly argv?: readonly (readonly string[])[];
  /** `via` of each command, in the same order as argv. */
  readonly via?: readonly (readonly string[])[];
  readonly paths?: readonly string[];
  readonly risks?: readonly string[];
  readonly risksInclude?: readonly string[];
  /** Paths that must be reported as patterns. */
  readonly patterns?: readonly string[];
  readonly name?: string;
}

export function pathList(analysis: ShellAnalysis): string[] {
  return [...new Set(analysis.paths.map((path) => `${path.access} ${path.path}`))].sort();
}

export function riskKinds(analysis: ShellAnalysis): string[] {
  return [...new Set(analysis.risks.map((risk) => risk.kind))].sort();
}

export function checkCase(c: Case): void {
  const analysis = analyzeShell(c.command);
  const explain = `\n${JSON.stringify(analysis, null, 1)}`;
  if (c.argv) assert.deepEqual(analysis.commands.map((command) => command.argv), c.argv, `argv of ${c.command}${explain}`);
  if (c.via) assert.deepEqual(analysis.commands.map((command) => command.via), c.via, `via of ${c.command}${explain}`);
  if (c.paths) assert.deepEqual(pathList(analysis), [...c.paths].sort(), `paths of ${c.command}${explain}`);
  if (c.risks) assert.deepEqual(riskKinds(analysis), [...c.risks].sort(), `risks of ${c.command}${explain}`);
  for (const kind of c.risksInclude ?? []) assert.ok(riskKinds(analysis).includes(kind), `${c.command} must have a ${kind} risk${explain}`);
  for (const pattern of c.patterns ?? []) {
    assert.ok(analysis.paths.some((path) => path.path === pattern && path.pattern), `${pattern} must be a pattern${explain}`);
  }
}

export function runCases(group: string, cases: readonly Case[]): void {
  for (const c of cases) {
    test(`${group}: ${c.name ?? JSON.stringify(c.command).slice(0, 100)}`, () => checkCase(c));
  }
}
