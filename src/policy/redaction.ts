/**
 * Masks secrets in text before anyone else sees it (the model, the transcript, the terminal):
 * every exact value ward knows to be secret (the scrubbed environment variables), and tokens
 * whose format gives them away even when ward never saw the value (a key printed from a
 * config file). Each is replaced by `[REDACTED:<kind>]` so the reader knows what was there.
 *
 * Runs on every tool result, so it must stay linear: every pattern is anchored on a literal
 * prefix, its repeated parts are single character classes that cannot overlap what follows,
 * and private key blocks are found with a forward scan rather than a lazy `[\s\S]*?`.
 */

export interface Redaction {
  readonly text: string;
  /** How many secrets were masked. */
  readonly redactions: number;
}

export type Redactor = (text: string) => Redaction;

interface TokenPattern {
  readonly kind: string;
  /** Global regex; when it has a first capture group, that prefix (a header name) is kept. */
  readonly regex: RegExp;
  readonly keepPrefix?: boolean;
}

/** Not part of a token: used as a boundary so `task-…` never matches `sk-…`. */
const TOKEN_PATTERNS: readonly TokenPattern[] = [
  { kind: 'anthropic_key', regex: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,}/g },
  // Needs a digit somewhere, so a kebab-case name like sk-feature-branch-for-login is not a key.
  { kind: 'openai_key', regex: /(?<![A-Za-z0-9_-])sk-(?=[A-Za-z_-]*[0-9])(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g },
  { kind: 'github_token', regex: /(?<![A-Za-z0-9_])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}/g },
  { kind: 'github_token', regex: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{30,}/g },
  { kind: 'aws_access_key_id', regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  {
    kind: 'aws_secret_access_key',
    regex: /(aws_?secret_?access_?key["']?[ \t]*[:=][ \t]*["']?)[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/gi,
    keepPrefix: true,
  },
  { kind: 'slack_token', regex: /(?<![A-Za-z0-9-])xox[abposre]-[A-Za-z0-9-]{10,}/g },
  { kind: 'slack_webhook', regex: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]{20,}/g },
  { kind: 'npm_token', regex: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g },
  { kind: 'google_api_key', regex: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  { kind: 'stripe_key', regex: /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}/g },
  { kind: 'jwt', regex: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g },
  {
    kind: 'authorization',
    regex: /(authorization["']?[ \t]*[:=][ \t]*["']?(?:bearer|token|basic|digest)[ \t]+)[A-Za-z0-9._~+/=-]{8,}/gi,
    keepPrefix: true,
  },
  { kind: 'bearer_token', regex: /(\bbearer[ \t]+)[A-Za-z0-9._~+/-]{20,}=*/gi, keepPrefix: true },
];

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----/g;

/** Exact values shorter than this are ignored: masking every "1234" would garble output. */
const MIN_SECRET_VALUE_LENGTH = 4;

function mask(kind: string): string {
  return `[REDACTED:${kind}]`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * Whole private key blocks, BEGIN line to END line. A block with no END (cut by an output cap)
 * is masked to the end of the text: the part that is there is still key material.
 */
function redactPrivateKeys(text: string): Redaction {
  if (!text.includes('PRIVATE KEY')) return { text, redactions: 0 };
  let out = '';
  let position = 0;
  let redactions = 0;
  PEM_BEGIN.lastIndex = 0;
  for (let begin = PEM_BEGIN.exec(text); begin !== null; begin = PEM_BEGIN.exec(text)) {
    PEM_END.lastIndex = PEM_BEGIN.lastIndex;
    const end = PEM_END.exec(text);
    out += text.slice(position, begin.index) + mask('private_key');
    redactions += 1;
    position = end === null ? text.length : PEM_END.lastIndex;
    PEM_BEGIN.lastIndex = position;
    if (end === null) break;
  }
  return { text: out + text.slice(position), redactions };
}

/** Builds the redactor for a session; `secretValues` are masked wherever they appear. */
export function createRedactor(secretValues: readonly string[]): Redactor {
  const variants = new Set<string>();
  for (const value of secretValues) {
    if (value.length < MIN_SECRET_VALUE_LENGTH) continue;
    variants.add(value);
    // The same value inside a URL or a query string.
    variants.add(encodeURIComponent(value));
  }
  // Longest first, so a value that contains another is masked whole.
  const sorted = [...variants].sort((a, b) => b.length - a.length);
  const exactValues = sorted.length === 0 ? null : new RegExp(sorted.map(escapeRegExp).join('|'), 'g');

  return (input: string): Redaction => {
    const keys = redactPrivateKeys(input);
    let text = keys.text;
    let redactions = keys.redactions;
    if (exactValues !== null) {
      text = text.replace(exactValues, () => {
        redactions += 1;
        return mask('secret');
      });
    }
    for (const pattern of TOKEN_PATTERNS) {
      text = text.replace(pattern.regex, (...match: unknown[]) => {
        redactions += 1;
        const prefix = pattern.keepPrefix === true && typeof match[1] === 'string' ? match[1] : '';
        return prefix + mask(pattern.kind);
      });
    }
    return { text, redactions };
  };
}
