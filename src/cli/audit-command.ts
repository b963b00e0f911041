/**
 * `ward audit verify | show | export`: the audit logs of this project's sessions.
 *
 *   verify  proves each log intact or names the first broken line; exit 0 intact, 1 broken
 *   show    one session's log as a timeline, then the verifier's answer
 *   export  the records as JSON lines on stdout (each with `session` and `project`), for a SIEM
 *
 * Without a session id, the project's latest session. Every session but the latest must have
 * an audit log that ends with a session end; the latest may still be running.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditArgs } from './audit-args.ts';
import { EXIT } from '../agent/exit-codes.ts';
import { AUDIT_SUFFIX, isAuditLogName, sessionIdOfAuditLog } from '../audit/paths.ts';
import { AUDIT_HMAC_KEY_ENV } from '../audit/record.ts';
import { AuditReadError, verifyAuditLog, type VerifyResult } from '../audit/verify.ts';
import { wardHome } from '../session/home.ts';
import { SESSION_ID_PATTERN } from '../session/paths.ts';
import { SessionStore } from '../session/store.ts';
import { formatTimeline, parseAuditLines } from './audit-timeline.ts';
import { resolveProjectDir } from './project-dir.ts';
import { UsageError } from './usage-error.ts';

interface Target {
  readonly id: string;
  readonly auditPath: string;
  readonly requireEnd: boolean;
}

type Outcome = { readonly kind: 'missing'; readonly message: string } | { readonly kind: 'read'; readonly result: VerifyResult };

export function runAuditCommand(args: AuditArgs): Promise<number> {
  const env = process.env;
  const projectRoot = resolveProjectDir(args.cwd);
  const store = new SessionStore(wardHome(env), projectRoot);
  const hmacKey = env[AUDIT_HMAC_KEY_ENV] === '' ? undefined : env[AUDIT_HMAC_KEY_ENV];
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const err = (line: string): void => void process.stderr.write(`ward: ${line}\n`);
  // `ward audit export | head` closes the pipe early; that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  const targets = targetsFor(args, store);
  const check = (target: Target): Outcome => verifyTarget(target, hmacKey);

  if (args.action === 'verify') {
    if (targets.length === 0) out('this project has no sessions yet');
    let broken = 0;
    for (const target of targets) {
      const line = describe(target.id, check(target));
      if (!line.intact) broken++;
      out(line.text);
    }
    return Promise.resolve(broken === 0 ? EXIT.success : EXIT.failure);
  }

  if (args.action === 'show') {
    const [target] = targets;
    if (target === undefined) return Promise.resolve(EXIT.success);
    out(`session ${target.id} · project ${projectRoot}`);
    out(`audit log ${target.auditPath}`);
    if (existsSync(target.auditPath)) for (const line of formatTimeline(parseAuditLines(readFileSync(target.auditPath)))) out(line);
    const status = describe(target.id, check(target));
    out('');
    out(status.text);
    return Promise.resolve(status.intact ? EXIT.success : EXIT.failure);
  }

  let broken = 0;
  for (const target of targets) {
    const status = describe(target.id, check(target));
    if (!status.intact) {
      broken++;
      err(status.text);
    }
    if (!existsSync(target.auditPath)) continue;
    parseAuditLines(readFileSync(target.auditPath)).forEach((line, index) => {
      if (line.ok) out(JSON.stringify({ ...line.record, session: target.id, project: projectRoot }));
      else err(`${target.auditPath} line ${index + 1} is not JSON; not exported`);
    });
  }
  return Promise.resolve(broken === 0 ? EXIT.success : EXIT.failure);
}

function targetsFor(args: AuditArgs, store: SessionStore): Target[] {
  const ids = sessionIds(store.dir);
  const latest = store.latest()?.id ?? ids.at(-1);
  const target = (id: string): Target => ({ id, auditPath: join(store.dir, `${id}${AUDIT_SUFFIX}`), requireEnd: id !== latest });
  if (args.all) return ids.map(target);
  if (args.session !== undefined) {
    if (!SESSION_ID_PATTERN.test(args.session) || !ids.includes(args.session)) {
      throw new UsageError(`no session ${args.session} for this project (looked in ${store.dir})`, 'ward audit verify --all lists every session of the project');
    }
    return [target(args.session)];
  }
  if (latest === undefined) throw new UsageError('this project has no sessions yet', 'run one with ward -p "your task"');
  return [target(latest)];
}

/** Every session of the project: those with a transcript and those with only an audit log. */
function sessionIds(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const ids = new Set<string>();
  for (const name of readdirSync(dir)) {
    if (isAuditLogName(name)) ids.add(sessionIdOfAuditLog(name));
    else if (name.endsWith('.jsonl')) ids.add(name.slice(0, -'.jsonl'.length));
  }
  // Session ids begin with their start time, so this is the order they ran in.
  return [...ids].sort();
}

function verifyTarget(target: Target, hmacKey: string | undefined): Outcome {
  if (!existsSync(target.auditPath)) {
    return { kind: 'missing', message: `no audit log (its transcript is there, the audit log ${target.auditPath} is not: removed, or written by a ward without audit logs)` };
  }
  try {
    return { kind: 'read', result: verifyAuditLog(target.auditPath, { hmacKey, requireEnd: target.requireEnd }) };
  } catch (error) {
    if (error instanceof AuditReadError) return { kind: 'missing', message: error.message };
    throw error;
  }
}

function describe(id: string, outcome: Outcome): { intact: boolean; text: string } {
  if (outcome.kind === 'missing') return { intact: false, text: `${id}: BROKEN: ${outcome.message}` };
  const result = outcome.result;
  if (!result.ok) return { intact: false, text: `${id}: BROKEN at line ${result.line} (${result.kind}): ${result.message}` };
  const notes = [`${result.lines} lines`, `${result.runs} run${result.runs === 1 ? '' : 's'}`];
  if (result.macs === 'verified') notes.push('every MAC verified');
  if (result.macs === 'unchecked') notes.push(`lines carry MACs, not checked: set ${AUDIT_HMAC_KEY_ENV} to check them`);
  if (result.repairs > 0) notes.push(`${result.repairs} repair${result.repairs === 1 ? '' : 's'} after a crash recorded`);
  if (result.torn !== null) notes.push(`line ${result.torn.line} was cut off by a crash (${result.torn.bytes} bytes): a crash artefact, not tampering`);
  else if (!result.ended) notes.push('no session end yet: the session is running, or stopped without one');
  return { intact: true, text: `${id}: intact (${notes.join('; ')})` };
}
