/**
 * Redirections: `>`, `>>`, `&>`, `>|`, `2>` targets are writes, `<` is a read, `2>&1`-style
 * duplications and `>&-` closings are not paths. Here-documents and here-strings become the
 * command's standard input, which matters when the command is a shell. A here-doc can also
 * carry the rest of a pipeline or list (`cat <<EOF | sh`), handed back as continuations.
 */
import { addPath, addRisk, snippet, type Collector, type Cwd, type Stdin } from './context.ts';
import type { SyntaxNode } from './parser.ts';
import { collectSubstitutions, evaluateWord } from './words.ts';

export const REDIRECT_TYPES = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);

export interface Continuation {
  /** `|` continues a pipeline with the commands in `node`; `&&`/`||` a list with the statement `node`. */
  readonly operator: '|' | '&&' | '||';
  readonly node: SyntaxNode;
}

export interface RedirectResult {
  /** The standard input the redirections give the command, or null to keep the one it had. */
  stdin: Stdin | null;
  readonly continuations: Continuation[];
  /** Command and process substitutions in targets and here-doc bodies, for the walker. */
  readonly nested: SyntaxNode[];
  /** Backquoted commands in unquoted here-doc bodies, which the grammar leaves as text. */
  readonly backquoted: { readonly text: string; readonly start: number }[];
}

export function emptyRedirects(): RedirectResult {
  return { stdin: null, continuations: [], nested: [], backquoted: [] };
}

export function processRedirect(node: SyntaxNode, col: Collector, cwd: Cwd, result: RedirectResult): void {
  if (node.type === 'file_redirect') fileRedirect(node, col, cwd, result);
  else if (node.type === 'heredoc_redirect') heredocRedirect(node, col, cwd, result);
  else if (node.type === 'herestring_redirect') herestring(node, result);
}

const DUPLICATING = new Set(['>&', '<&']);
const READING = new Set(['<']);
const WRITING = new Set(['>', '>>', '&>', '&>>', '>|', '>&']);

function fileRedirect(node: SyntaxNode, col: Collector, cwd: Cwd, result: RedirectResult): void {
  let operator = '';
  const targets: SyntaxNode[] = [];
  for (const child of node.children) {
    if (!child) continue;
    if (!child.isNamed) {
      operator ||= child.type;
      continue;
    }
    if (child.type !== 'file_descriptor' && child.type !== 'ERROR') targets.push(child);
  }
  if (operator === '>&-' || operator === '<&-') return;
  const target = targets[0];
  if (!target) {
    addRisk(col, 'unparsed', `redirection ${snippet(node.text)} has no target`);
    return;
  }
  const word = evaluateWord(target, result.nested);
  // `>&2`, `2>&1`, `<&3`, `>&-`: duplicating or closing a descriptor names no file.
  if (DUPLICATING.has(operator) && !word.dynamic && /^(\d+|-)$/.test(word.value)) return;
  if (word.unparsed) addRisk(col, 'unparsed', `redirection target ${snippet(word.source)} is not analysed`);
  if (READING.has(operator) || operator === '<&') {
    addPath(col, cwd, word, 'read', `redirection ${operator}`);
    if (!word.processSubstitution) result.stdin = word.dynamic ? { kind: 'pipe' } : { kind: 'file', path: word.value };
    else result.stdin = { kind: 'pipe' };
    return;
  }
  if (WRITING.has(operator)) {
    addPath(col, cwd, word, 'write', `redirection ${operator}`);
    return;
  }
  addRisk(col, 'unparsed', `redirection ${snippet(node.text)} is not analysed`);
}

function heredocRedirect(node: SyntaxNode, col: Collector, cwd: Cwd, result: RedirectResult): void {
  let stripTabs = false;
  let quoted = false;
  let body: SyntaxNode | null = null;
  const children = node.children;
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    if (!child) continue;
    switch (child.type) {
      case '<<-':
        stripTabs = true;
        break;
      case 'heredoc_start':
        quoted = /['"\\]/.test(child.text);
        break;
      case 'heredoc_body':
        body = child;
        break;
      case 'file_redirect':
      case 'herestring_redirect':
        processRedirect(child, col, cwd, result);
        break;
      case 'pipeline':
        result.continuations.push({ operator: '|', node: child });
        break;
      case '&&':
      case '||': {
        const right = children.slice(i + 1).find((next) => next?.isNamed && next.type !== 'heredoc_body' && next.type !== 'heredoc_end');
        if (right) result.continuations.push({ operator: child.type, node: right });
        break;
      }
      default:
        break;
    }
  }
  if (body === null) {
    result.stdin = { kind: 'text', text: '', dynamic: false, start: node.startIndex };
    return;
  }
  let text = body.text;
  if (stripTabs) text = text.replace(/^\t+/gm, '');
  let dynamic = false;
  if (!quoted) {
    // Unquoted here-docs expand `$x`, `$(…)` and backquotes before the command reads them.
    dynamic = body.namedChildren.some((child) => child !== null && child.type !== 'heredoc_content') || /[`\\]/.test(text);
    collectSubstitutions(body, result.nested);
    findBackquoted(body, col, result);
  }
  result.stdin = { kind: 'text', text, dynamic, start: body.startIndex };
}

/** The grammar leaves `` `cmd` `` in here-doc text unparsed; the shell still runs it. */
function findBackquoted(body: SyntaxNode, col: Collector, result: RedirectResult): void {
  // A body without expansions is one leaf; otherwise its text is in heredoc_content children.
  const texts = body.childCount === 0 ? [body] : body.children.filter((child) => child?.type === 'heredoc_content');
  for (const child of texts) {
    if (!child) continue;
    const text = child.text;
    let open = -1;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '\\') {
        i++;
        continue;
      }
      if (text[i] !== '`') continue;
      if (open === -1) open = i;
      else {
        result.backquoted.push({ text: text.slice(open + 1, i), start: child.startIndex + open + 1 });
        open = -1;
      }
    }
    if (open !== -1) addRisk(col, 'unparsed', `unterminated backquote in a here-document: ${snippet(text.slice(open))}`);
  }
}

function herestring(node: SyntaxNode, result: RedirectResult): void {
  const target = node.namedChildren.find((child) => child !== null);
  if (!target) return;
  const word = evaluateWord(target, result.nested);
  result.stdin = { kind: 'text', text: `${word.value}\n`, dynamic: word.dynamic, start: target.startIndex };
}
