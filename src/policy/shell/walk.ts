/**
 * Walks a parsed command line statement by statement: lists, pipelines, subshells, groups,
 * redirections, `if`/`while`/`for`/`case`, functions, and the command and process
 * substitutions inside words, handing every simple command to simple-command.ts. Also follows
 * which directories the shell may be in (see context.ts): `&&` continues where the left side
 * succeeded, `;` wherever it may have ended, subshells and pipelines change nothing outside.
 * Node types it does not know are reported, never skipped silently.
 */
import { injectionReason } from './command-tables.ts';
import { addRisk, snippet, same, unionCwd, type Collector, type Cwd, type Outcome, type Scope, type Stdin } from './context.ts';
import type { SyntaxNode } from './parser.ts';
import { REDIRECT_TYPES, emptyRedirects, processRedirect, type RedirectResult } from './redirects.ts';
import { runSimpleCommand, type Assignment, type CommandEnv } from './simple-command.ts';
import { collectSubstitutions, evaluateWord, type Word } from './words.ts';

export interface WalkContext {
  readonly col: Collector;
  readonly scope: Scope;
  readonly stdin: Stdin;
  readonly script: CommandEnv['script'];
}

/** Deeper syntax trees than this are reported instead of followed, so the stack stays bounded. */
const MAX_TREE_DEPTH = 200;
const TERMINAL: Stdin = { kind: 'terminal' };
const PIPE: Stdin = { kind: 'pipe' };

const COMPOUND = new Set(['if_statement', 'while_statement', 'for_statement', 'c_style_for_statement', 'case_statement', 'elif_clause', 'else_clause', 'case_item', 'ERROR']);
const STATEMENTS = new Set([
  'command', 'list', 'pipeline', 'subshell', 'compound_statement', 'redirected_statement', 'if_statement', 'while_statement', 'for_statement',
  'c_style_for_statement', 'case_statement', 'function_definition', 'negated_command', 'test_command', 'declaration_command', 'unset_command',
  'variable_assignment', 'variable_assignments', 'do_group', 'elif_clause', 'else_clause', 'case_item', 'ERROR',
]);

export function walkStatement(node: SyntaxNode, ctx: WalkContext, cwd: Cwd, depth: number): Outcome {
  if (depth > MAX_TREE_DEPTH) {
    addRisk(ctx.col, 'unparsed', `a command line nested more than ${MAX_TREE_DEPTH} levels deep is not analysed`);
    return same(cwd);
  }
  switch (node.type) {
    case 'program':
    case 'compound_statement':
    case 'do_group':
      return walkSequence(node, ctx, cwd, depth);
    case 'subshell':
      walkSequence(node, ctx, cwd, depth);
      return same(cwd);
    case 'list':
      return walkList(node, ctx, cwd, depth);
    case 'pipeline':
      node.namedChildren.forEach((part, index) => {
        if (part) walkStatement(part, { ...ctx, stdin: index === 0 ? ctx.stdin : PIPE }, cwd, depth + 1);
      });
      return same(cwd);
    case 'redirected_statement':
      return walkRedirected(node, ctx, cwd, depth);
    case 'command':
      return walkCommand(node, ctx, cwd, depth);
    case 'declaration_command':
    case 'unset_command':
      return walkDeclaration(node, ctx, cwd, depth);
    case 'variable_assignment':
    case 'variable_assignments':
      walkAssignments(node, ctx, cwd, depth);
      return same(cwd);
    case 'negated_command': {
      const inner = node.namedChildren.find((child) => child !== null);
      const outcome = inner ? walkStatement(inner, ctx, cwd, depth + 1) : same(cwd);
      return { ok: outcome.any, any: outcome.any };
    }
    case 'test_command':
      walkSubstitutionsIn(node, ctx, cwd, depth);
      return same(cwd);
    case 'function_definition':
      return walkFunction(node, ctx, cwd, depth);
    case 'comment':
      return same(cwd);
    default:
      if (!COMPOUND.has(node.type)) addRisk(ctx.col, 'unparsed', `${node.type} is not analysed: ${snippet(node.text)}`);
      return walkCompound(node, ctx, cwd, depth);
  }
}

/** Statements one after another; a statement followed by `&` runs in the background and moves nothing. */
function walkSequence(node: SyntaxNode, ctx: WalkContext, cwd: Cwd, depth: number): Outcome {
  const children = node.children;
  let current = cwd;
  let last: Outcome = same(cwd);
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    if (!child || !child.isNamed || child.type === 'comment') continue;
    const outcome = walkStatement(child, ctx, current, depth + 1);
    if (children[i + 1]?.type === '&') continue;
    current = outcome.any;
    last = outcome;
  }
  return { ok: last.ok, any: current };
}

/**
 * `a && b || c …` parses as a left-leaning chain of lists, as deep as it is long; it is
 * followed iteratively, so there is no limit on how many parts a command line has.
 */
function walkList(node: SyntaxNode, ctx: WalkContext, cwd: Cwd, depth: number): Outcome {
  const rest: { operator: '&&' | '||'; right: SyntaxNode }[] = [];
  let left: SyntaxNode = node;
  while (left.type === 'list') {
    const parts = left.namedChildren.filter((child): child is SyntaxNode => child !== null && child.type !== 'comment');
    const operator = left.children.find((child) => child !== null && !child.isNamed)?.type;
    const [first, right] = parts;
    if (!first || !right || parts.length !== 2 || (operator !== '&&' && operator !== '||')) {
      addRisk(ctx.col, 'unparsed', `list ${snippet(left.text)} is not analysed`);
      const outcome = walkCompound(left, ctx, cwd, depth);
      return rest.reverse().reduce((previous, next) => continueList(next.operator, previous, next.right, ctx, depth), outcome);
    }
    rest.push({ operator, right });
    left = first;
  }
  let outcome = walkStatement(left, ctx, cwd, depth + 1);
  for (const { operator, right } of rest.reverse()) outcome = continueList(operator, outcome, right, ctx, depth);
  return outcome;
}

function continueList(operator: '&&' | '||', first: Outcome, right: SyntaxNode, ctx: WalkContext, depth: number): Outcome {
  if (operator === '&&') {
    const second = walkStatement(right, ctx, first.ok, depth + 1);
    return { ok: second.ok, any: unionCwd(first.any, second.any) };
  }
  const second = walkStatement(right, ctx, first.any, depth + 1);
  return { ok: unionCwd(first.ok, second.ok), any: unionCwd(first.any, second.any) };
}

/** if/while/for/case: every branch may or may not run, so the directories after are the union. */
function walkCompound(node: SyntaxNode, ctx: WalkContext, cwd: Cwd, depth: number): Outcome {
  let state = cwd;
  for (const child of node.children) {
    if (!child || !child.isNamed || child.type === 'comment') continue;
    if (node.type === 'c_style_for_statement' && child.type === 'variable_assignment') {
      // `for ((i = 0; …))` assigns its counter like `for f in …` does: only injecting names matter.
      checkLoopVariable(child.namedChildren[0]?.text ?? '', ctx.col);
      walkSubstitutionsIn(child, ctx, state, depth);
    } else if (STATEMENTS.has(child.type)) {
      state = unionCwd(state, walkStatement(child, ctx, state, depth + 1).any);
    } else {
      if (child.type === 'variable_name' && node.type === 'for_statement') checkLoopVariable(child.text, ctx.col);
      walkSubstitutionsIn(child, ctx, state, depth);
    }
  }
  return same(state);
}

function checkLoopVariable(name: string, col: Collector): void {
  const reason = injectionReason(name);
  if (reason !== null) addRisk(col, 'env-injection', `${name} set by a for loop: ${reason}`);
}

function walkFunction(node: SyntaxNode, ctx: WalkContext, cwd: Cwd, depth: number): Outcome {
  const name = node.namedChildren.find((child) => child?.type === 'word')?.text ?? 'a function';
  addRisk(ctx.col, 'alters-shell', `defines the function ${name}, which runs instead of any later command of that name`);
  for (const child of node.namedChildren) {
    if (child && child.type !== 'word') walkStatement(child, ctx, cwd, depth + 1);
  }
  return same(cwd);
}

function walkRedirected(node: SyntaxNode, ctx: WalkContext, cwd: Cwd, depth: number): Outcome {
  const redirects = emptyRedirects();
  let body: SyntaxNode | null = null;
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (REDIRECT_TYPES.has(child.type)) processRedirect(child, ctx.col, cwd, redirects);
    else body ??= child;
  }
  const stdin = redirects.stdin ?? ctx.stdin;
  const outcome = body ? walkStatement(body, { ...ctx, stdin }, cwd, depth + 1) : same(cwd);
  return finishRedirects(redirects, outcome, ctx, cwd, depth);
}

/** Walks what redirections left: substitutions, backquotes in here-docs, and here-doc continuations. */
function finishRedirects(redirects: RedirectResult, outcome: Outcome, ctx: WalkContext, cwd: Cwd, depth: number): Outcome {
  walkSubstitutions(redirects.nested, ctx, cwd, depth);
  for (const quoted of redirects.backquoted) {
    const word: Word = { value: quoted.text, source: quoted.text, start: quoted.start, dynamic: false, pattern: false, processSubstitution: false, unparsed: false };
    ctx.script(word, { ...ctx.scope, origin: [...ctx.scope.origin, quoted.start], depth: ctx.scope.depth + 1 }, cwd, TERMINAL);
  }
  let result = outcome;
  for (const continuation of redirects.continuations) {
    if (continuation.operator === '|') {
      for (const part of continuation.node.namedChildren) if (part) walkStatement(part, { ...ctx, stdin: PIPE }, cwd, depth + 1);
      result = same(cwd);
    } else {
      result = continueList(continuation.operator, result, continuation.node, ctx, depth);
    }
  }
  return result;
}

function walkCommand(node: SyntaxNode, ctx: WalkContext, cwd: Cwd, depth: number): Outcome {
  const nested: SyntaxNode[] = [];
  const redirects = emptyRedirects();
  const assignments: Assignment[] = [];
  const words: Word[] = [];
  for (const child of node.children) {
    if (!child) continue;
    if (!child.isNamed) {
      addRisk(ctx.col, 'unparsed', `${snippet(child.text)} in ${snippet(node.text)} is not analysed`);
      continue;
    }
    if (child.type === 'variable_assignment') {
      const { name, value } = evaluateAssignment(child, nested);
      assignments.push({ name, value });
    }
    else if (child.type === 'command_name') {
      const name = child.namedChildren.find((part) => part !== null);
      if (name) words.unshift(evaluateWord(name, nested));
    } else if (REDIRECT_TYPES.has(child.type)) processRedirect(child, ctx.col, cwd, redirects);
    else if (child.type !== 'comment') words.push(evaluateWord(child, nested));
  }
  const env: CommandEnv = { col: ctx.col, scope: ctx.scope, cwd, stdin: redirects.stdin ?? ctx.stdin, script: ctx.script };
  const outcome = runSimpleCommand({ words, assignments, text: node.text, start: node.startIndex }, env);
  walkSubstitutions(nested, ctx, cwd, depth);
  return finishRedirects(redirects, outcome, ctx, cwd, depth);
}

function evaluateAssignment(node: SyntaxNode, nested: SyntaxNode[]): Assignment & { readonly word: Word | null } {
  const named = node.namedChildren.filter((child): child is SyntaxNode => child !== null);
  const name = named[0]?.type === 'subscript' ? (named[0].namedChildren[0]?.text ?? named[0].text) : (named[0]?.text ?? '');
  if (named[0]?.type === 'subscript') collectSubstitutions(named[0], nested);
  const valueNode = named[1];
  if (!valueNode) return { name, value: '', word: null };
  if (valueNode.type === 'array') {
    collectSubstitutions(valueNode, nested);
    return { name, value: null, word: null };
  }
  const word = evaluateWord(valueNode, nested);
  return { name, value: word.dynamic ? null : word.value, word };
}

/** `export A=1 B`, `declare -x C`, `unset X`: reported as commands whose words are the assignments as written. */
function walkDeclaration(node: SyntaxNode, ctx: WalkContext, cwd: Cwd, depth: number): Outcome {
  const nested: SyntaxNode[] = [];
  const words: Word[] = [];
  for (const child of node.children) {
    if (!child) continue;
    if (!child.isNamed) {
      words.push({ value: child.type, source: child.text, start: child.startIndex, dynamic: false, pattern: false, processSubstitution: false, unparsed: false });
    } else if (child.type === 'variable_assignment') {
      const assignment = evaluateAssignment(child, nested);
      const dynamic = assignment.value === null;
      words.push({ value: dynamic ? child.text : `${assignment.name}=${assignment.value ?? ''}`, source: child.text, start: child.startIndex, dynamic, pattern: false, processSubstitution: false, unparsed: false });
    } else if (child.type !== 'comment') {
      words.push(evaluateWord(child, nested));
    }
  }
  const env: CommandEnv = { col: ctx.col, scope: ctx.scope, cwd, stdin: ctx.stdin, script: ctx.script };
  runSimpleCommand({ words, assignments: [], text: node.text, start: node.startIndex }, env);
  walkSubstitutions(nested, ctx, cwd, depth);
  return same(cwd);
}

/** `FOO=bar` on its own changes the shell for every later command (and PATH=… changes what they are). */
function walkAssignments(node: SyntaxNode, ctx: WalkContext, cwd: Cwd, depth: number): void {
  const nested: SyntaxNode[] = [];
  const nodes = node.type === 'variable_assignment' ? [node] : node.namedChildren.filter((child): child is SyntaxNode => child?.type === 'variable_assignment');
  for (const assignmentNode of nodes) {
    const assignment = evaluateAssignment(assignmentNode, nested);
    addRisk(ctx.col, 'alters-shell', `${assignment.name}=… sets a shell variable that later commands see`);
    const reason = injectionReason(assignment.name);
    if (reason !== null) addRisk(ctx.col, 'env-injection', `${assignment.name} set in this shell: ${reason}`);
  }
  walkSubstitutions(nested, ctx, cwd, depth);
}

function walkSubstitutionsIn(node: SyntaxNode, ctx: WalkContext, cwd: Cwd, depth: number): void {
  const nested: SyntaxNode[] = [];
  if (node.type === 'command_substitution' || node.type === 'process_substitution') nested.push(node);
  else collectSubstitutions(node, nested);
  walkSubstitutions(nested, ctx, cwd, depth);
}

/** `$(…)`, backquotes, `<(…)`, `>(…)`: their commands run in a subshell, so they move nothing. */
function walkSubstitutions(nodes: readonly SyntaxNode[], ctx: WalkContext, cwd: Cwd, depth: number): void {
  for (const node of nodes) walkSequence(node, { ...ctx, stdin: TERMINAL }, cwd, depth + 1);
}
