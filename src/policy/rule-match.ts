/**
 * Whether a rule covers a particular call. Matching fails closed for allow rules: a shell
 * command with anything the matcher cannot see through (operators, substitutions,
 * redirections) never matches an allow rule, so `bash(npm test:*)` cannot approve
 * `npm test && curl evil`. Deny rules look at every segment they can find, so they still
 * catch `echo hi; rm -rf x`. The full shell analyser replaces this in the policy engine.
 */
import { matchesGlob, relative, isAbsolute } from 'node:path';
import type { CallTarget } from '../tools/types.ts';
import type { Rule } from './rules.ts';

const SHELL_META = /[;&|`$()<>\n\r\\{}*?[\]!#~'"]/;

export interface MatchContext {
  readonly tool: string;
  readonly target: CallTarget;
  readonly projectRoot: string;
  readonly home: string;
}

export function ruleMatches(rule: Rule, call: MatchContext, purpose: 'allow' | 'deny'): boolean {
  if (!rule.tools.includes(call.tool)) return false;
  if (rule.specifier === null) return true;
  if (call.target.command !== undefined) return commandMatches(rule.specifier, call.target.command, purpose);
  if (call.target.url !== undefined) return urlMatches(rule.specifier, call.target.url);
  const paths = call.target.paths ?? [];
  if (paths.length === 0) return false;
  const test = (path: string): boolean => pathMatches(rule.specifier ?? '', path, call.projectRoot, call.home);
  return purpose === 'allow' ? paths.every(test) : paths.some(test);
}

function commandMatches(specifier: string, command: string, purpose: 'allow' | 'deny'): boolean {
  const candidates =
    purpose === 'allow'
      ? SHELL_META.test(command)
        ? []
        : [normalizeSpaces(command)]
      : command.split(/;|&&|\|\||\||&|\n|`|\$\(|\(|\)/).map(normalizeSpaces).filter((part) => part !== '');
  return candidates.some((candidate) => {
    if (specifier.endsWith(':*')) {
      const prefix = normalizeSpaces(specifier.slice(0, -2));
      return candidate === prefix || candidate.startsWith(`${prefix} `);
    }
    return candidate === normalizeSpaces(specifier);
  });
}

function urlMatches(specifier: string, url: string): boolean {
  if (!specifier.startsWith('domain:')) return false;
  const domain = specifier.slice('domain:'.length).toLowerCase();
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === domain || host.endsWith(`.${domain}`);
}

function pathMatches(pattern: string, path: string, projectRoot: string, home: string): boolean {
  let glob = pattern;
  if (glob.startsWith('~/')) glob = `${home}/${glob.slice(2)}`;
  if (isAbsolute(glob)) return matchesGlob(path, glob);
  const rel = relative(projectRoot, path);
  if (rel.startsWith('..') || isAbsolute(rel)) return false;
  return matchesGlob(rel, glob);
}

function normalizeSpaces(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}
