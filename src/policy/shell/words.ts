/**
 * What one shell word means before it runs: quotes removed and escapes resolved as bash does
 * (`\rm`, `r''m` and `$'\x72m'` are all `rm`), or, when its value is only known at run time
 * (expansions, substitutions, brace expansion, `~user`), its source text marked dynamic.
 * Command and process substitutions inside a word are handed back so the walker analyses
 * the commands they run.
 */
import type { SyntaxNode } from './parser.ts';

export interface Word {
  /** The value after quote removal, or the source text when the word is dynamic. */
  readonly value: string;
  readonly source: string;
  /** Offset in the analysed text, to keep commands in source order. */
  readonly start: number;
  /** Holds something only known when it runs: `$VAR`, `$(…)`, `{a,b}`, `~user`. */
  readonly dynamic: boolean;
  /** Has unquoted glob characters, so it names whatever files match. */
  readonly pattern: boolean;
  /** A process substitution `<(…)`: the program sees a /dev/fd path, not a file. */
  readonly processSubstitution: boolean;
  /** Holds a construct this evaluator does not know: the walker reports it. */
  readonly unparsed: boolean;
}

/** Node types whose commands run while the word is expanded. */
const SUBSTITUTIONS = new Set(['command_substitution', 'process_substitution']);
const EXPANSIONS = new Set(['simple_expansion', 'expansion', 'arithmetic_expansion', 'command_substitution', 'brace_expression']);
const UNQUOTED_TEXT = new Set(['word', 'number', 'extglob_pattern', 'regex', 'variable_name', 'special_variable_name']);
/** Deeper nesting inside one word than this is reported, not followed (stack safety). */
const MAX_WORD_DEPTH = 100;

interface Accumulator {
  value: string;
  /** The word with quoted or expanded parts replaced by `_`: what brace and glob checks see. */
  skeleton: string;
  dynamic: boolean;
  processSubstitution: boolean;
  unparsed: boolean;
}

/** Evaluates `node`; substitutions found inside are appended to `nested` for the walker. */
export function evaluateWord(node: SyntaxNode, nested: SyntaxNode[]): Word {
  const acc: Accumulator = { value: '', skeleton: '', dynamic: false, processSubstitution: false, unparsed: false };
  add(node, acc, nested, 0);
  const skeleton = acc.skeleton;
  // `{a,b}` and `{1..3}` become several words; `~user`, `~+`, `~-` name directories known only when run.
  const braces = /\{[^{}\s]*(?:,|\.\.)[^{}\s]*\}/.test(skeleton);
  const tildeOther = /^~[^/]/.test(skeleton);
  return {
    value: acc.value,
    source: node.text,
    start: node.startIndex,
    dynamic: acc.dynamic || braces || tildeOther,
    pattern: /[*?]|\[.*\]/.test(skeleton),
    processSubstitution: acc.processSubstitution,
    unparsed: acc.unparsed,
  };
}

/**
 * `base` with another value: an option's value inside its word, a path built from it. It keeps
 * where it came from and whether it is dynamic; without a base it is plain text.
 */
export function derivedWord(base: Word | undefined, value: string): Word {
  return base ? { ...base, value } : literalWord(value, 0);
}

/** A word built from plain text, for arguments that come from another string (`eval`, `xargs`). */
export function literalWord(value: string, start: number): Word {
  return { value, source: value, start, dynamic: false, pattern: false, processSubstitution: false, unparsed: false };
}

function add(node: SyntaxNode, acc: Accumulator, nested: SyntaxNode[], depth: number): void {
  if (depth > MAX_WORD_DEPTH) {
    acc.unparsed = true;
    acc.dynamic = true;
    return;
  }
  const type = node.type;
  if (UNQUOTED_TEXT.has(type)) {
    addUnquoted(node.text, acc);
  } else if (type === 'raw_string') {
    const text = node.text;
    acc.value += text.slice(1, -1);
    acc.skeleton += '_';
  } else if (type === 'ansi_c_string') {
    acc.value += decodeAnsiC(node.text.slice(2, -1));
    acc.skeleton += '_';
  } else if (type === 'string' || type === 'translated_string') {
    addDoubleQuoted(node, acc, nested);
  } else if (type === 'concatenation') {
    for (const child of node.children) if (child) add(child, acc, nested, depth + 1);
  } else if (type === 'process_substitution') {
    acc.value += node.text;
    acc.skeleton += '_';
    acc.processSubstitution = true;
    nested.push(node);
  } else if (EXPANSIONS.has(type)) {
    acc.value += node.text;
    acc.skeleton += '_';
    acc.dynamic = true;
    if (type === 'command_substitution') nested.push(node);
    else collectSubstitutions(node, nested);
  } else {
    acc.value += node.text;
    acc.skeleton += '_';
    acc.dynamic = true;
    acc.unparsed = true;
    collectSubstitutions(node, nested);
  }
}

function addDoubleQuoted(node: SyntaxNode, acc: Accumulator, nested: SyntaxNode[]): void {
  acc.skeleton += '_';
  for (const child of node.children) {
    if (!child || !child.isNamed) continue;
    if (child.type === 'string_content') {
      acc.value += unescapeDoubleQuoted(child.text);
    } else {
      acc.value += child.text;
      acc.dynamic = true;
      if (SUBSTITUTIONS.has(child.type)) nested.push(child);
      else collectSubstitutions(child, nested);
    }
  }
}

/** Unquoted text: a backslash quotes the next character; backslash-newline disappears. */
function addUnquoted(text: string, acc: Accumulator): void {
  if (!text.includes('\\')) {
    acc.value += text;
    acc.skeleton += text;
    return;
  }
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (char === '\\' && i + 1 < text.length) {
      const next = text[i + 1] ?? '';
      i++;
      if (next === '\n') continue;
      acc.value += next;
      acc.skeleton += '_';
      continue;
    }
    acc.value += char;
    acc.skeleton += char;
  }
}

/** Inside double quotes a backslash escapes only `$`, backquote, `"`, `\` and newline. */
export function unescapeDoubleQuoted(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\([$`"\\\n])/g, (_match, char: string) => (char === '\n' ? '' : char));
}

/**
 * Every command or process substitution inside `node`, in source order, for the walker. It
 * does not descend into them (the walker does), and it is iterative, so no nesting of
 * expansions can exhaust the stack or be cut short.
 */
export function collectSubstitutions(node: SyntaxNode, nested: SyntaxNode[]): void {
  const stack: SyntaxNode[] = [];
  const pushChildren = (parent: SyntaxNode): void => {
    const children = parent.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) stack.push(child);
    }
  };
  pushChildren(node);
  for (let current = stack.pop(); current !== undefined; current = stack.pop()) {
    if (SUBSTITUTIONS.has(current.type)) nested.push(current);
    else if (current.childCount > 0) pushChildren(current);
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/** Decodes the body of `$'…'` as bash does; a NUL ends the string, as it does in bash. */
export function decodeAnsiC(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i] ?? '';
    if (char !== '\\' || i + 1 >= body.length) {
      out += char;
      continue;
    }
    const next = body[i + 1] ?? '';
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const numeric = numericEscape(body, i + 1);
    if (numeric !== null) {
      if (numeric.codePoint === 0) return out;
      out += String.fromCodePoint(numeric.codePoint);
      i = numeric.end - 1;
      continue;
    }
    if (next === 'c' && i + 2 < body.length) {
      out += String.fromCharCode((body.charCodeAt(i + 2) & 0x1f));
      i += 2;
      continue;
    }
    out += char;
  }
  return out;
}

function numericEscape(body: string, at: number): { codePoint: number; end: number } | null {
  const kind = body[at] ?? '';
  const forms: Readonly<Record<string, { pattern: RegExp; radix: number; skip: number }>> = {
    x: { pattern: /^[0-9a-fA-F]{1,2}/, radix: 16, skip: 1 },
    u: { pattern: /^[0-9a-fA-F]{1,4}/, radix: 16, skip: 1 },
    U: { pattern: /^[0-9a-fA-F]{1,8}/, radix: 16, skip: 1 },
  };
  const form = /[0-7]/.test(kind) ? { pattern: /^[0-7]{1,3}/, radix: 8, skip: 0 } : forms[kind];
  if (!form) return null;
  const digits = form.pattern.exec(body.slice(at + form.skip))?.[0];
  if (digits === undefined) return null;
  const codePoint = Number.parseInt(digits, form.radix);
  if (codePoint > 0x10ffff) return null;
  return { codePoint: form.radix === 8 ? codePoint & 0xff : codePoint, end: at + form.skip + digits.length };
}
