/**
 * npm-packlist ships no types. This declares exactly the part of an Arborist tree that
 * npm-packlist 10 (the version npm 11 bundles) reads (lib/index.js), so the gate can hand it a minimal tree built from the
 * package directory instead of loading all of Arborist.
 */
declare module 'npm-packlist' {
  import type { EventEmitter } from 'node:events';
  import type { Stats } from 'node:fs';
  import type { Minimatch } from 'minimatch';

  /** The package.json fields npm-packlist consults, already normalised the way Arborist does. */
  export interface PacklistPackage {
    readonly name?: string;
    readonly files?: readonly string[];
    readonly main?: unknown;
    readonly browser?: unknown;
    /** Normalised to an object (npm-normalize-package-bin): command name -> path. */
    readonly bin?: Readonly<Record<string, string>>;
    /** Normalised: `bundledDependencies` and `true` already resolved to a list of names. */
    readonly bundleDependencies?: readonly string[];
    readonly dependencies?: Readonly<Record<string, string>>;
    readonly optionalDependencies?: Readonly<Record<string, string>>;
    readonly patchedDependencies?: Readonly<Record<string, unknown>>;
  }

  /** A dependency edge; npm-packlist never bundles peer or dev dependencies. */
  export interface PacklistEdge {
    readonly peer: boolean;
    readonly dev: boolean;
    /** The resolved node, or null when the dependency is not installed. */
    readonly to: PacklistNode | null;
  }

  export interface PacklistNode {
    /** Where the node sits in the tree (for a link: the link's own location). */
    readonly path: string;
    readonly package: PacklistPackage;
    readonly isProjectRoot: boolean;
    readonly isLink: boolean;
    /** For a link, the node it points to; for anything else, the node itself. */
    readonly target: PacklistNode;
    /** Workspace name -> absolute directory, only on a root that declares workspaces. */
    readonly workspaces?: ReadonlyMap<string, string> | null;
    readonly edgesOut: ReadonlyMap<string, PacklistEdge>;
  }

  export interface PacklistOptions {
    /** Defaults to tree.path. */
    readonly path?: string;
    readonly prefix?: string;
    readonly workspaces?: readonly string[];
    readonly globalIgnoreFile?: string;
  }

  /** Options of npm-packlist's walker (an ignore-walk Walker); internal ones are passed through opaquely. */
  export interface PackWalkerOptions {
    readonly path?: string;
    readonly isPackage?: boolean;
    readonly [option: string]: unknown;
  }

  /** An entry a walker has lstat'ed; `file` and `dir` say whether the rules admit it as either. */
  export interface FoundEntry {
    readonly st: Stats;
    readonly entry: string;
    readonly file: boolean;
    readonly dir: boolean;
    readonly isSymbolicLink: boolean;
  }

  /**
   * The directory walker behind packlist(): one instance per directory, each deciding its entries
   * with the ignore rules it read (keyed by ignore file name, or by a symbol for npm's built-in rule sets).
   * On the root walker, 'done' carries the file list and 'error' an Error.
   */
  export class PackWalker extends EventEmitter {
    constructor(tree: PacklistNode, options?: PackWalkerOptions);
    readonly tree: PacklistNode;
    /** This walker's directory, `/`-separated. */
    readonly path: string;
    ignoreRules: Record<string | symbol, Minimatch[] | null | undefined>;
    onReadIgnoreFile(file: string | symbol, data: string, then: () => void): void;
    /** Called with the lstat of each entry that passed the rules, before it is added or walked into. */
    onstat(found: FoundEntry, then: () => void): void;
    walkerOpt(entry: string, options: object): PackWalkerOptions;
    walker(entry: string, options: object, callback: () => void): void;
    start(): this;
  }

  interface Packlist {
    /**
     * The files `npm pack` would publish, `/`-separated and relative to the package root (paths
     * that begin with `@` come back prefixed with `./`).
     */
    (tree: PacklistNode, options?: PacklistOptions): Promise<string[]>;
    readonly Walker: typeof PackWalker;
  }

  const packlist: Packlist;
  export default packlist;
}
