/**
 * Secrets in published files: known token formats (errors), high-entropy values assigned to
 * secret-sounding names (warnings), and `.env` files (errors when they hold values).
 *
 * A finding never prints the secret: it names the kind and shows a preview with the public
 * prefix and at most four trailing characters. Its fingerprint hashes rule, path and value,
 * so a reviewed false positive can be allowlisted without hiding the next real key. This check
 * applies `allow.paths` itself; fingerprints are filtered by the orchestrator, like every rule's.
 *
 * Key files (*.pem, *.key, id_rsa, ...) are reported by the unwanted-files check, which owns
 * them, and are skipped here so one key is one finding.
 */
import { createHash } from 'node:crypto';
import { compileGlobs } from '../path-globs.ts';
import type { CheckContext, Finding, PackageFile, RuleId } from '../types.ts';
import { findHighEntropyAssignments, findTokens, looksLikePlaceholder, shannonEntropy, type SecretMatch } from './secret-patterns.ts';
import { isCredentialFile, isEnvFile, isEnvTemplate, isExempt, isTestPath } from './unwanted-files.ts';

/** Larger text files are not scanned (and say so): no npm package ships text this big on purpose. */
const MAX_SCANNED_BYTES = 64 * 1024 * 1024;
const BINARY_SNIFF_BYTES = 8 * 1024;
const BATCH = 32;

const ROTATE = 'Revoke or rotate it now (a published version stays downloadable), remove it from the file and read it from the environment at run time';

export function secretFingerprint(rule: RuleId, path: string, value: string): string {
  return createHash('sha256').update(`${rule}\0${path}\0${value}`).digest('hex').slice(0, 16);
}

function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/** 1-based line of each offset; offsets sorted ascending, one pass over the text. */
function lineNumbers(text: string, offsets: readonly number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let position = 0;
  for (const offset of offsets) {
    for (let next = text.indexOf('\n', position); next !== -1 && next < offset; next = text.indexOf('\n', next + 1)) {
      line += 1;
      position = next + 1;
    }
    lines.push(line);
  }
  return lines;
}

function overlaps(a: SecretMatch, b: SecretMatch): boolean {
  return a.index < b.index + b.length && b.index < a.index + a.length;
}

/**
 * Documentation shows configuration with made-up values (`password: 'bm90IG15IHJlYWw='`); a
 * token format is still checked there, a mere random-looking assignment is not.
 */
const DOCUMENT = /\.(?:md|markdown|mdx|txt|rst|adoc|html?)$/i;

function secretFindings(path: string, text: string): Finding[] {
  const tokens = findTokens(text);
  const assignments = (DOCUMENT.test(path) ? [] : findHighEntropyAssignments(text)).filter((assignment) => !tokens.some((token) => overlaps(token, assignment)));
  const matches = [...tokens, ...assignments].sort((a, b) => a.index - b.index);
  const lines = lineNumbers(text, matches.map((match) => match.index));
  const inTest = isTestPath(path);

  // The same secret repeated in one file is one finding (same fingerprint), at its first line.
  const seen = new Map<string, { match: SecretMatch; line: number; count: number }>();
  matches.forEach((match, index) => {
    const key = `${match.rule}\0${match.value}`;
    const entry = seen.get(key);
    if (entry === undefined) seen.set(key, { match, line: lines[index] ?? 1, count: 1 });
    else entry.count += 1;
  });

  return [...seen.values()].map(({ match, line, count }): Finding => {
    const again = count > 1 ? ` It appears ${count} times in this file.` : '';
    const testNote = inTest ? ' It sits in test code, so it may be a throwaway test value: confirm it is not a live credential.' : '';
    if (match.rule === 'secret-token') {
      return {
        rule: 'secret-token',
        severity: inTest ? 'warning' : 'error',
        file: path,
        line,
        reason: `Line ${line} holds what looks like a live ${match.kind} (${match.preview}); anyone who installs the package can read it.${again}${testNote}`,
        fix: `${ROTATE}. If it is a test value or not a secret, allowlist this finding's fingerprint.`,
        fingerprint: secretFingerprint('secret-token', path, match.value),
      };
    }
    return {
      rule: 'secret-high-entropy',
      severity: 'warning',
      file: path,
      line,
      reason: `Line ${line} assigns a random-looking literal to a secret-sounding name: ${match.kind} (${match.preview}).${again}${testNote}`,
      fix: `If it is a credential: ${ROTATE.charAt(0).toLowerCase()}${ROTATE.slice(1)}. If it is not a secret (an id, a hash, a test value), allowlist this finding's fingerprint.`,
      fingerprint: secretFingerprint('secret-high-entropy', path, match.value),
    };
  });
}

interface EnvAssignment {
  readonly name: string;
  readonly value: string;
  readonly line: number;
}

function envAssignments(text: string): EnvAssignment[] {
  const assignments: EnvAssignment[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(raw);
    if (match === null) return;
    let value = (match[2] ?? '').trim();
    const quoted = /^(["'`])(.*)\1$/.exec(value);
    value = quoted === null ? value.replace(/\s+#.*$/, '') : (quoted[2] ?? '');
    assignments.push({ name: match[1] ?? '', value, line: index + 1 });
  });
  return assignments;
}

const SECRET_NAME = /pass(?:word|wd|phrase)?|secret|token|api_?key|access_?key|private_?key|auth|credential|dsn|_key$/i;

/** A template (`.env.example`) value that was filled in with something that looks real. */
function looksFilledIn(assignment: EnvAssignment): boolean {
  const { name, value } = assignment;
  if (findTokens(value).length > 0) return true;
  return SECRET_NAME.test(name) && value.length >= 12 && !looksLikePlaceholder(value) && !/^[<{[$]/.test(value) && shannonEntropy(value) > 3.5;
}

function envFinding(path: string, text: string): Finding | null {
  const assignments = envAssignments(text);
  const names = (list: readonly EnvAssignment[]): string => {
    const shown = list.slice(0, 5).map((assignment) => assignment.name).join(', ');
    return list.length > 5 ? `${shown} and ${list.length - 5} more` : shown;
  };
  const exclude = 'Leave it out of the package ("files" allowlist in package.json, or .npmignore)';
  // A project template's .env (create-* packages) is content meant to ship: only secrets in it count.
  if (isEnvTemplate(path) || isExempt(path)) {
    const filled = assignments.filter(looksFilledIn);
    const first = filled[0];
    if (first === undefined) return null;
    return {
      rule: 'secret-env-file',
      severity: 'error',
      file: path,
      line: first.line,
      reason: `This ${isExempt(path) ? 'template' : 'example'} environment file has real-looking values filled in for ${names(filled)}; it should hold placeholders only.`,
      fix: `Replace the values with placeholders. ${ROTATE} if they are real.`,
      fingerprint: secretFingerprint('secret-env-file', path, filled.map((assignment) => `${assignment.name}=${assignment.value}`).join('\n')),
    };
  }
  const withValues = assignments.filter((assignment) => assignment.value !== '');
  const first = withValues[0];
  return {
    rule: 'secret-env-file',
    severity: first === undefined ? 'warning' : 'error',
    file: path,
    line: first?.line,
    reason: first === undefined
      ? 'A .env file is published. It holds no values now, but it is where secrets are kept, and the next edit ships them.'
      : `A .env file is published with ${withValues.length} value${withValues.length === 1 ? '' : 's'} (${names(withValues)}); .env files hold local secrets and configuration.`,
    fix: first === undefined ? `${exclude}.` : `${exclude}, and rotate every secret it held: a published version stays downloadable.`,
    fingerprint: secretFingerprint('secret-env-file', path, text),
  };
}

async function scanFile(file: PackageFile): Promise<Finding[]> {
  const bytes = await file.read();
  if (isBinary(bytes)) return [];
  if (bytes.length > MAX_SCANNED_BYTES) {
    return [{
      rule: 'secret-token',
      severity: 'info',
      file: file.path,
      reason: `Not scanned for secrets: ${bytes.length.toLocaleString('en-US')} bytes of text is over the ${MAX_SCANNED_BYTES / 1024 / 1024} MB limit.`,
      fix: 'Check this file by other means, or leave it out of the package if it is not needed.',
    }];
  }
  // latin1 maps bytes to characters one to one: linear, never throws, and every token format is ASCII.
  const text = bytes.toString('latin1');
  if (isEnvFile(file.path)) {
    const finding = envFinding(file.path, text);
    return finding === null ? [] : [finding];
  }
  return secretFindings(file.path, text);
}

export async function checkSecrets(ctx: CheckContext): Promise<Finding[]> {
  const allowed = compileGlobs(ctx.config.allow.paths);
  const files = ctx.pkg.files.filter((file) => !allowed(file.path) && !isCredentialFile(file.path));
  const findings: Finding[] = [];
  for (let start = 0; start < files.length; start += BATCH) {
    const batch = await Promise.all(files.slice(start, start + BATCH).map(scanFile));
    for (const list of batch) findings.push(...list);
  }
  return findings;
}
