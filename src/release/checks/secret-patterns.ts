/**
 * What a secret looks like in a published file. The token formats mirror the redactor's
 * (src/policy/redaction.ts), tightened for a different job: the redactor masks anything that
 * might be a key in a live session, where a false match costs a masked word; the gate fails a
 * release, where a false match costs as much as a miss. So every format here is the exact
 * published shape (fixed lengths, fixed prefixes), and a candidate must also look random:
 * placeholders (`sk-ant-xxxx…`, `AKIAIOSFODNN7EXAMPLE`), regex source that describes a format
 * (`ghp_[A-Za-z0-9]{36}` never matches itself), integrity hashes and base64 data are skipped.
 *
 * Linear: every regex is anchored on a literal, repeats single character classes, and is only
 * run on a file where one pass of a combined literal search saw that literal.
 */

export interface TokenRule {
  /** Shown to the user: what kind of secret this is. */
  readonly kind: string;
  /** Literals one of which the text must contain before the regex runs. */
  readonly literals: readonly string[];
  /** Global; the secret is capture group 1 when there is one, else the whole match. */
  readonly regex: RegExp;
  /** The non-secret prefix shown in the masked preview (`ghp_`), as a regex anchored at the start. */
  readonly prefix?: RegExp;
  /** Character classes the random part must mix (`a` lower, `A` upper, `0` digit). */
  readonly mix?: string;
}

export const TOKEN_RULES: readonly TokenRule[] = [
  { kind: 'Anthropic API key', literals: ['sk-ant-'], regex: /(?<![A-Za-z0-9_-])sk-ant-(?:[a-z]{2,10}\d{2}-)?[A-Za-z0-9_-]{32,}/g, prefix: /^sk-ant-(?:[a-z]{2,10}\d{2}-)?/, mix: 'aA' },
  { kind: 'OpenAI API key', literals: ['sk-proj-', 'sk-svcacct-', 'sk-admin-'], regex: /(?<![A-Za-z0-9_-])sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}/g, prefix: /^sk-[a-z]+-/, mix: 'aA' },
  { kind: 'OpenAI API key', literals: ['T3BlbkFJ'], regex: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,}/g, prefix: /^sk-/, mix: 'aA0' },
  { kind: 'OpenAI API key (legacy)', literals: ['sk-'], regex: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9]{48}(?![A-Za-z0-9_-])/g, prefix: /^sk-/, mix: 'aA0' },
  { kind: 'GitHub token', literals: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], regex: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/g, prefix: /^gh[pousr]_/, mix: 'aA' },
  { kind: 'GitHub fine-grained token', literals: ['github_pat_'], regex: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9_])/g, prefix: /^github_pat_/, mix: 'aA' },
  { kind: 'GitLab token', literals: ['glpat-', 'glptt-', 'gldt-'], regex: /(?<![A-Za-z0-9_-])(?:glpat|glptt|gldt)-[A-Za-z0-9_.-]{20,}/g, prefix: /^gl[a-z]+-/ },
  { kind: 'npm token', literals: ['npm_'], regex: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/g, prefix: /^npm_/, mix: 'aA' },
  // `.npmrc` auth lines; `${NPM_TOKEN}` (an environment reference) is how it should be done.
  { kind: 'npm registry auth token', literals: ['_authToken', '_auth', '_password'], regex: /(?<![A-Za-z0-9])_(?:authToken|auth|password)\s*=\s*([^\s"'$][^\s"']{15,})/g, mix: '' },
  { kind: 'AWS access key ID', literals: ['AKIA', 'ASIA'], regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g, prefix: /^A[KS]IA/, mix: 'A' },
  { kind: 'AWS secret access key', literals: ['ecret_access_key', 'ecretAccessKey', 'ECRET_ACCESS_KEY', 'ecretaccesskey'], regex: /secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi, mix: 'aA0' },
  { kind: 'Google API key', literals: ['AIza'], regex: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, prefix: /^AIza/, mix: 'aA' },
  { kind: 'Google OAuth client secret', literals: ['GOCSPX-'], regex: /(?<![A-Za-z0-9_-])GOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])/g, prefix: /^GOCSPX-/, mix: 'aA' },
  { kind: 'Slack token', literals: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxo-', 'xoxr-', 'xoxs-'], regex: /(?<![A-Za-z0-9-])xox[abposr]-\d{6,}-[A-Za-z0-9-]{10,}/g, prefix: /^xox[a-z]-/, mix: '0' },
  { kind: 'Slack webhook URL', literals: ['hooks.slack.com/services/'], regex: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{20,}/g, prefix: /^https:\/\/hooks\.slack\.com\/services\//, mix: 'aA' },
  // Live keys only: Stripe's documentation publishes test keys on purpose, and they move no money.
  { kind: 'Stripe live key', literals: ['sk_live_', 'rk_live_'], regex: /(?<![A-Za-z0-9_])[sr]k_live_[0-9A-Za-z]{20,}/g, prefix: /^[sr]k_live_/, mix: 'aA' },
  { kind: 'Hugging Face token', literals: ['hf_'], regex: /(?<![A-Za-z0-9_])hf_[A-Za-z]{34}(?![A-Za-z0-9_])/g, prefix: /^hf_/, mix: 'aA' },
  { kind: 'SendGrid API key', literals: ['SG.'], regex: /(?<![A-Za-z0-9_-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, prefix: /^SG\./, mix: 'aA' },
  { kind: 'PyPI token', literals: ['pypi-AgEIcHlwaS5vcmc'], regex: /pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g, prefix: /^pypi-/, mix: 'aA0' },
  { kind: 'Shopify access token', literals: ['shpat_', 'shpca_', 'shppa_', 'shpss_'], regex: /(?<![A-Za-z0-9_])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}(?![A-Za-z0-9_])/g, prefix: /^shp[a-z]{2}_/, mix: '0' },
  { kind: 'DigitalOcean token', literals: ['dop_v1_', 'doo_v1_'], regex: /(?<![A-Za-z0-9_])do[op]_v1_[a-f0-9]{64}(?![A-Za-z0-9_])/g, prefix: /^do[a-z]_v1_/, mix: '0' },
  { kind: 'Azure storage account key', literals: ['AccountKey='], regex: /AccountKey=([A-Za-z0-9+/]{86}==)/g, mix: 'aA0' },
];

/**
 * Keys published on purpose by their vendors, shipped by ordinary packages: the Azure storage
 * emulator's well-known account key (in every Azure SDK).
 */
const PUBLIC_KEYS = new Set([
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
]);

export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/**
 * Placeholders are written in one case (`your_api_key`, `EXAMPLEKEY`); a random token mixes
 * cases, so matching each word in lower or upper case only keeps real keys from tripping it.
 */
const PLACEHOLDER_WORDS = new RegExp(
  ['example', 'sample', 'placeholder', 'dummy', 'fake', 'your', 'redacted', 'changeme', 'insert', 'replace', 'xxxx', 'test', 'demo', 'invalid']
    .flatMap((word) => [word, word.toUpperCase(), word.charAt(0).toUpperCase() + word.slice(1)])
    .join('|'),
);

/** Whether a candidate's random part is obviously not random: a placeholder someone typed. */
export function looksLikePlaceholder(body: string): boolean {
  if (PLACEHOLDER_WORDS.test(body) || /(.)\1{4,}/.test(body)) return true;
  // Five consecutive characters in alphabet order: 12345, abcde.
  let run = 1;
  for (let index = 1; index < body.length; index += 1) {
    run = body.charCodeAt(index) === body.charCodeAt(index - 1) + 1 ? run + 1 : 1;
    if (run >= 5) return true;
  }
  // Short random strings have low entropy by chance; only long ones can be judged by it.
  return body.length >= 24 && shannonEntropy(body) < 3;
}

function mixes(body: string, mix: string): boolean {
  return (!mix.includes('a') || /[a-z]/.test(body)) && (!mix.includes('A') || /[A-Z]/.test(body)) && (!mix.includes('0') || /[0-9]/.test(body));
}

function isEncodedChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) ||
    code === 0x2b || code === 0x2f || code === 0x3d || code === 0x5f || code === 0x2d;
}

/**
 * True when the match sits inside a base64 run that belongs to a `data:` URI or an integrity
 * hash (`sha512-…`): long random runs that can contain a token's shape by chance.
 */
function insideEncodedData(text: string, index: number): boolean {
  let start = index;
  while (start > 0 && isEncodedChar(text.charCodeAt(start - 1))) start -= 1;
  return text.slice(Math.max(0, start - 7), start) === 'base64,' || /^sha(?:1|256|384|512)-/.test(text.slice(start, start + 7));
}

export interface SecretMatch {
  readonly kind: string;
  readonly index: number;
  readonly length: number;
  /** The secret value itself: hashed into the fingerprint, never printed. */
  readonly value: string;
  /** `ghp_…wXyZ`: the public prefix and at most four trailing characters. */
  readonly preview: string;
  readonly rule: 'secret-token' | 'secret-high-entropy';
}

function preview(value: string, prefix: string): string {
  return `${prefix}…${value.length - prefix.length >= 16 ? value.slice(-4) : ''}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Which rules each literal triggers; longest literals first, so `sk-ant-` is not consumed as `sk-`. */
const RULES_BY_LITERAL = new Map<string, number[]>();
TOKEN_RULES.forEach((rule, index) => {
  for (const literal of rule.literals) RULES_BY_LITERAL.set(literal, [...(RULES_BY_LITERAL.get(literal) ?? []), index]);
});
const PEM_LITERAL = 'PRIVATE KEY';
/** One pass over the text finds every rule worth running (50 `includes` calls cost five times more). */
const TRIGGER = new RegExp([...RULES_BY_LITERAL.keys(), PEM_LITERAL].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');

export function findTokens(text: string): SecretMatch[] {
  const triggered = new Set<number>();
  let pem = false;
  TRIGGER.lastIndex = 0;
  for (let hit = TRIGGER.exec(text); hit !== null; hit = TRIGGER.exec(text)) {
    if (hit[0] === PEM_LITERAL) pem = true;
    for (const index of RULES_BY_LITERAL.get(hit[0]) ?? []) triggered.add(index);
  }
  const found: SecretMatch[] = [];
  for (const index of [...triggered].sort((a, b) => a - b)) {
    const rule = TOKEN_RULES[index];
    if (rule === undefined) continue;
    rule.regex.lastIndex = 0;
    for (let match = rule.regex.exec(text); match !== null; match = rule.regex.exec(text)) {
      const value = match[1] ?? match[0];
      const prefix = rule.prefix?.exec(value)?.[0] ?? '';
      const body = value.slice(prefix.length);
      if (PUBLIC_KEYS.has(value) || looksLikePlaceholder(body) || !mixes(body, rule.mix ?? '') || insideEncodedData(text, match.index)) continue;
      found.push({ kind: rule.kind, index: match.index, length: match[0].length, value, preview: preview(value, prefix), rule: 'secret-token' });
    }
  }
  return pem ? found.concat(findPrivateKeys(text)) : found;
}

const PEM_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ ){0,4})PRIVATE KEY(?: BLOCK)?-----/g;

/**
 * Private key blocks with a real body: crypto libraries ship the BEGIN line as a string
 * constant, so the header alone proves nothing. The body may be split by newlines, escaped
 * `\n` (a key inside JSON or a JS string) and string concatenation.
 */
function findPrivateKeys(text: string): SecretMatch[] {
  const found: SecretMatch[] = [];
  PEM_BEGIN.lastIndex = 0;
  for (let begin = PEM_BEGIN.exec(text); begin !== null; begin = PEM_BEGIN.exec(text)) {
    const after = PEM_BEGIN.lastIndex;
    const end = text.indexOf('-----END', after);
    const window = text.slice(after, end === -1 || end - after > 20_000 ? after + 20_000 : end);
    const body = window.replace(/\\[nr]|[\s"'`+,]|^(?:Proc-Type|DEK-Info):[^\n]*$/gm, '');
    if (end === -1 || body.length < 64 || !/^[A-Za-z0-9+/=]+$/.test(body) || looksLikePlaceholder(body.slice(0, 64))) continue;
    const kind = `${(begin[1] ?? '').trim() === '' ? '' : `${(begin[1] ?? '').trim()} `}private key`;
    found.push({ kind, index: begin.index, length: end - begin.index, value: body, preview: `-----BEGIN ${begin[1] ?? ''}PRIVATE KEY-----…`, rule: 'secret-token' });
    PEM_BEGIN.lastIndex = end;
  }
  return found;
}

/**
 * `password = "…"`, `apiKey: '…'`, `CLIENT_SECRET="…"`: the name must end with the keyword
 * (`author`, `tokenizer` never match) and the value must be one quoted run of token characters
 * (no spaces: that is a sentence; no `$`, `(`, `[`: that is a template or a regex).
 */
const ASSIGNMENT = /(password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth[_-]?key|client[_-]?secret|auth)["']?\s*[:=]\s*(["'`])([A-Za-z0-9+/=_.~!@#%^&*-]{20,200})\2/gi;

export function findHighEntropyAssignments(text: string): SecretMatch[] {
  const found: SecretMatch[] = [];
  ASSIGNMENT.lastIndex = 0;
  for (let match = ASSIGNMENT.exec(text); match !== null; match = ASSIGNMENT.exec(text)) {
    const value = match[3] ?? '';
    if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value) || shannonEntropy(value) <= 4) continue;
    if (looksLikePlaceholder(value) || /^sha(?:1|256|384|512)-/.test(value) || /^[a-z]+(?:[._-][a-z0-9]+)+$/i.test(value) || PUBLIC_KEYS.has(value)) continue;
    let nameStart = match.index;
    while (nameStart > 0 && nameStart > match.index - 64 && /[A-Za-z0-9_$.-]/.test(text.charAt(nameStart - 1))) nameStart -= 1;
    const name = text.slice(nameStart, match.index + (match[1] ?? '').length);
    found.push({ kind: `high-entropy value assigned to "${name}"`, index: match.index, length: match[0].length, value, preview: `…${value.slice(-4)}`, rule: 'secret-high-entropy' });
  }
  return found;
}
