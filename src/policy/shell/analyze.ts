/**
 * The shell analyser's entry point: `analyzeShell(command)` parses a command line with the real
 * bash grammar and reports every simple command it would run (nested ones included), the files
 * it names, and the risks that keep it from being allowed by rule. It never throws: input it
 * cannot parse or follow, NUL bytes, invisible characters and anything unexpected are risks,
 * so the policy asks. Call `initShellParser()` once per process before the first analysis.
 */
import { START_CWD, addRisk, compareKeys, same, snippet, type Collector, type Cwd, type Outcome, type Scope, type Stdin } from './context.ts';
import { initShellParser, shellParser, type SyntaxNode, type SyntaxTree } from './parser.ts';
import type { ShellAnalysis } from './types.ts';
import { walkStatement } from './walk.ts';
import type { Word } from './words.ts';

export { initShellParser };
export { isReadOnlyAnalysis, isReadOnlyCommand } from './read-only.ts';

/** Control characters (other than tab and newline), zero-width and bidirectional marks: text that hides what it says. */
const HIDDEN_CHARACTERS = /[\x01-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function analyzeShell(command: string): ShellAnalysis {
  const col: Collector = { commands: [], paths: [], risks: [], seenPaths: new Set(), seenRisks: new Set(), parse: parseWithShellParser };
  try {
    analyzeInto(col, command);
  } catch (error) {
    addRisk(col, 'unparsed', `the analyser failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const ordered = [...col.commands].sort((a, b) => compareKeys(a.key, b.key));
  return { commands: ordered.map((entry) => entry.command), paths: col.paths, risks: col.risks };
}

function analyzeInto(col: Collector, command: unknown): void {
  if (typeof command !== 'string') {
    addRisk(col, 'unparsed', 'the command is not text');
    return;
  }
  let text = command;
  if (text.includes('\0')) {
    addRisk(col, 'unparsed', 'the command contains a NUL byte, which bash and the policy would read differently');
    text = text.replaceAll('\0', ' ');
  }
  if (HIDDEN_CHARACTERS.test(text)) {
    addRisk(col, 'unusual-characters', 'the command contains control, invisible or bidirectional characters that can hide what it does');
  }
  if (LONE_SURROGATE.test(text)) addRisk(col, 'unparsed', 'the command is not valid Unicode text');
  if (shellParser() === null) {
    addRisk(col, 'unparsed', 'the shell parser is not initialised (initShellParser was not awaited)');
    return;
  }
  const scope: Scope = { via: [], origin: [], depth: 0, placeholder: null };
  const word: Word = { value: text, source: text, start: 0, dynamic: false, pattern: false, processSubstitution: false, unparsed: false };
  analyseScript(col, word, scope, START_CWD, { kind: 'terminal' });
}

function parseWithShellParser(source: string): SyntaxTree | null {
  const parser = shellParser();
  if (parser === null) return null;
  return parser.parse(source);
}

/** Parses and walks one script: the command line itself, or one it runs (`sh -c`, `eval`, a here-doc). */
function analyseScript(col: Collector, text: Word, scope: Scope, cwd: Cwd, stdin: Stdin): Outcome {
  const tree = col.parse(text.value);
  if (tree === null) {
    addRisk(col, 'unparsed', `could not parse ${snippet(text.value)}`);
    return same(cwd);
  }
  try {
    reportSyntaxErrors(tree.rootNode, col);
    const script = (inner: Word, innerScope: Scope, innerCwd: Cwd, innerStdin: Stdin): Outcome => analyseScript(col, inner, innerScope, innerCwd, innerStdin);
    return walkStatement(tree.rootNode, { col, scope, stdin, script }, cwd, 0);
  } finally {
    tree.delete();
  }
}

/** ERROR and MISSING nodes: the grammar could not read that part, so neither can the policy. */
function reportSyntaxErrors(root: SyntaxNode, col: Collector): void {
  if (!root.hasError) return;
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node) break;
    if (node.type === 'ERROR') {
      addRisk(col, 'unparsed', `cannot parse ${snippet(node.text) || 'the command'}`);
      continue;
    }
    if (node.isMissing) {
      addRisk(col, 'unparsed', `missing ${node.type} near ${snippet(root.text.slice(Math.max(0, node.startIndex - 20), node.startIndex + 20))}`);
      continue;
    }
    for (const child of node.children) if (child?.hasError) stack.push(child);
  }
}
