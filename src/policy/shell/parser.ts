/**
 * Loads the bash grammar (tree-sitter-bash compiled to WASM, from @vscode/tree-sitter-wasm)
 * once per process and hands out the one parser. The runtime script is loaded with require()
 * from a folder found at run time instead of being bundled: it locates its own tree-sitter.wasm
 * through __filename, which a bundled ESM chunk does not have. `npm run build` copies the three
 * files to dist/tree-sitter/; from source they are found through the package itself.
 */
import type * as TreeSitter from '@vscode/tree-sitter-wasm';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type SyntaxNode = TreeSitter.Node;
export type SyntaxTree = TreeSitter.Tree;

/** The files the parser needs at run time; scripts/build.ts copies them into dist/. */
export const TREE_SITTER_FILES: readonly string[] = ['tree-sitter.js', 'tree-sitter.wasm', 'tree-sitter-bash.wasm'];
/** The folder under dist/ the build copies them to. */
export const TREE_SITTER_DIST_FOLDER = 'tree-sitter';
const PACKAGE = '@vscode/tree-sitter-wasm';

/**
 * The folder holding TREE_SITTER_FILES for code running at `moduleUrl`: next to the bundle
 * first (dist/cli.js finds dist/tree-sitter/, a chunk in dist/chunks/ finds ../tree-sitter/),
 * then the installed package, resolved from this module, as when running from source.
 */
export function locateTreeSitterFolder(moduleUrl: string): string {
  for (const candidate of [`./${TREE_SITTER_DIST_FOLDER}/`, `../${TREE_SITTER_DIST_FOLDER}/`]) {
    const folder = fileURLToPath(new URL(candidate, moduleUrl));
    if (TREE_SITTER_FILES.every((file) => existsSync(join(folder, file)))) return folder;
  }
  return packageFolder();
}

function packageFolder(): string {
  return dirname(createRequire(import.meta.url).resolve(PACKAGE));
}

/** Copies the parser's files next to a bundle in `distFolder` (scripts/build.ts); returns where they went. */
export function copyTreeSitterFiles(distFolder: string): string {
  const source = packageFolder();
  const target = join(distFolder, TREE_SITTER_DIST_FOLDER);
  mkdirSync(target, { recursive: true });
  for (const file of TREE_SITTER_FILES) copyFileSync(join(source, file), join(target, file));
  // ward's package.json says "type": "module"; the runtime is CommonJS, as it is in its own package.
  writeFileSync(join(target, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  return target;
}

let loading: Promise<TreeSitter.Parser> | null = null;
let loaded: TreeSitter.Parser | null = null;

/**
 * Loads the grammar once; later calls return the same promise. `folder` overrides where the
 * files are looked for (tests of the bundled layout); a failed load can be retried.
 */
export function initShellParser(folder?: string): Promise<void> {
  loading ??= loadParser(folder ?? locateTreeSitterFolder(import.meta.url)).then(
    (parser) => (loaded = parser),
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading.then(() => undefined);
}

/** The parser, or null before initShellParser() has finished. */
export function shellParser(): TreeSitter.Parser | null {
  return loaded;
}

async function loadParser(folder: string): Promise<TreeSitter.Parser> {
  const runtimePath = join(folder, 'tree-sitter.js');
  const runtime = createRequire(import.meta.url)(runtimePath) as Partial<typeof TreeSitter>;
  const { Parser, Language } = runtime;
  if (typeof Parser !== 'function' || typeof Language !== 'function') {
    throw new Error(`${runtimePath} is not the web-tree-sitter runtime (no Parser or Language export)`);
  }
  await Parser.init({ locateFile: (file: string) => join(folder, file) });
  const bash = await Language.load(readFileSync(join(folder, 'tree-sitter-bash.wasm')));
  const parser = new Parser();
  parser.setLanguage(bash);
  return parser;
}
