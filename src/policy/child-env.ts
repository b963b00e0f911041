/**
 * The environment every process ward starts for the model gets. It is built from an allowlist,
 * not by removing known secrets: a variable ward has never heard of (a new provider's key, a
 * company's internal token) stays out by default. The secrets that were held back are handed to
 * redaction, so a value that leaks some other way (a config file, a log) is still masked.
 */
import { OTLP_HEADERS_VARIABLE, parseOtlpHeaders, secretPartsOfHeaderValue } from '../telemetry/otlp-headers.ts';

/** Variables passed through by exact name: what ordinary tools need to behave normally. */
const ALLOWED_NAMES = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'HOSTNAME',
  'LANG', 'LANGUAGE', 'TERM', 'COLORTERM', 'NO_COLOR', 'FORCE_COLOR', 'CLICOLOR', 'TZ',
  'TMPDIR', 'TMP', 'TEMP',
  'EDITOR', 'VISUAL', 'PAGER',
  'CI',
  'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_RUNTIME_DIR',
  // Where toolchains live; without them builds pick the wrong compiler or none.
  'JAVA_HOME', 'GOPATH', 'GOROOT', 'GOBIN', 'CARGO_HOME', 'RUSTUP_HOME', 'PYENV_ROOT', 'NVM_DIR',
  'VOLTA_HOME', 'DENO_DIR', 'BUN_INSTALL', 'ANDROID_HOME', 'DOTNET_ROOT',
  // Proxies are needed on some networks; values carrying credentials are held back below.
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
]);

/** Locale settings (LC_ALL, LC_CTYPE, ...) pass by prefix. */
const ALLOWED_PREFIXES = ['LC_'];

/*
 * Deliberately not passed, though they look harmless:
 * - NODE_OPTIONS, NODE_PATH: set for ward's own Node, and NODE_OPTIONS=--require would load
 *   code into every node process the model runs.
 * - LD_PRELOAD, LD_LIBRARY_PATH, DYLD_*: load code into every program.
 * - PWD, OLDPWD: describe ward's directory, not the command's; bash sets its own.
 * - SSH_AUTH_SOCK, GPG_AGENT_INFO: hand out the use of the user's keys.
 * - DISPLAY, DBUS_SESSION_BUS_ADDRESS: reach the user's desktop session.
 */

/** Names that are secrets whatever else they match. */
const SECRET_NAMES = new Set([
  'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'OPENAI_API_KEY', 'GITHUB_TOKEN', 'GH_TOKEN', 'NPM_TOKEN',
  'DATABASE_URL', 'REDIS_URL', 'MONGODB_URI', 'SENTRY_DSN', 'GOOGLE_APPLICATION_CREDENTIALS', 'KUBECONFIG',
]);

/**
 * Name parts that mark a secret. KEY only at the end of a word (API_KEY, APIKEY, not KEYBOARD);
 * AUTH only as a word (AUTH, OAUTH, not GIT_AUTHOR_NAME). PWD only after another word
 * (DB_PWD, MYSQL_PWD): PWD and OLDPWD are the shell's working directory.
 */
const SECRET_NAME_PATTERN =
  /TOKEN|SECRET|PASSW(OR)?D|PASSPHRASE|CREDENTIAL|PRIVATE|COOKIE|WEBHOOK|SIGNATURE|(^|_)O?AUTH($|_)|_PWD($|_)|(^|_)[A-Z0-9]*KEY(S)?($|_)|(^|_)DSN($|_)|CONN(ECTION)?_?STR/;

/** Scrubbed by prefix like the rest of their family, but settings, not secrets: not redacted. */
const NOT_SECRET_VALUES = new Set(['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_DEFAULT_OUTPUT', 'AWS_PAGER', 'AWS_SDK_LOAD_CONFIG']);

/** Prefixes of cloud providers' credential variables. */
const SECRET_PREFIXES = ['AWS_', 'AZURE_', 'GCP_', 'GOOGLE_CLOUD_', 'DIGITALOCEAN_', 'HEROKU_', 'CLOUDFLARE_', 'VAULT_'];

/**
 * Names that say the value is a location or a setting, not a secret (VAULT_ADDR,
 * GOOGLE_CLOUD_PROJECT, SSH_AUTH_SOCK, AWS_CONFIG_FILE, PASSWORD_STORE_DIR): such variables are
 * still kept from commands when their family is, but their values are not masked everywhere.
 */
const SETTING_SUFFIX = /_(ADDR|ADDRESS|HOST|PORT|PROJECT|REGION|ZONE|FILE|DIR|SOCK|PATH|PROFILE|ENDPOINT|ID)$/;

/** Values shorter than this are not redacted by value: masking "true" or "1" everywhere is noise. */
const MIN_REDACTED_VALUE_LENGTH = 8;

/** Whether a variable name looks like it holds a secret. */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (SECRET_NAMES.has(upper)) return true;
  // OTLP exporter headers carry the collector's API key (`x-api-key=...`, `Authorization=Bearer ...`).
  if (OTLP_HEADERS_VARIABLE.test(upper)) return true;
  if (SECRET_PREFIXES.some((prefix) => upper.startsWith(prefix))) return true;
  return SECRET_NAME_PATTERN.test(upper);
}

/** A URL with a user or password in it (a proxy, a database) is a credential. */
function hasUrlCredentials(value: string): boolean {
  if (!value.includes('@') || !value.includes('://')) return false;
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return /:\/\/[^/@\s]+@/.test(value);
  }
}

function isAllowedName(name: string): boolean {
  return ALLOWED_NAMES.has(name) || ALLOWED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** The environment for child processes: allowlisted, non-secret variables of `parent`. */
export function buildChildEnv(parent: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || !isAllowedName(name) || isSecretName(name) || hasUrlCredentials(value)) continue;
    env[name] = value;
  }
  return env;
}

/** The values of `parent`'s secret variables (long enough to be recognisable), for redaction. */
export function secretValuesFrom(parent: Readonly<Record<string, string | undefined>>): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    const upper = name.toUpperCase();
    const named = isSecretName(name) && !NOT_SECRET_VALUES.has(upper) && !SETTING_SUFFIX.test(upper) && !looksLikePath(value);
    const secret = named || hasUrlCredentials(value);
    if (secret && value.trim().length >= MIN_REDACTED_VALUE_LENGTH) values.add(value.trim());
    // Each header's value too: the key alone may turn up where the whole list never does.
    if (OTLP_HEADERS_VARIABLE.test(upper)) {
      for (const header of Object.values(parseOtlpHeaders(value))) {
        for (const part of secretPartsOfHeaderValue(header)) if (part.length >= MIN_REDACTED_VALUE_LENGTH) values.add(part);
      }
    }
  }
  return [...values];
}

/** A file path is where a secret lives, not the secret: masking it would hide paths everywhere. */
function looksLikePath(value: string): boolean {
  return value.startsWith('/') || value.startsWith('~/') || /^[A-Za-z]:\\/.test(value);
}
