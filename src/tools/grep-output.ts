/**
 * Turns the lines a grep backend finds into the tool's output. Both backends (ripgrep and
 * the JavaScript fallback) push the same events here, file by file in path order, so the
 * formatting, the result cap and the notes about what was left out are the same for both.
 */
import { truncateLine } from './text-file.ts';

export type GrepMode = 'content' | 'files_with_matches' | 'count';

/** What a backend reports: for each file with a match, its lines (matches and context) in order. */
export interface GrepSink {
  beginFile(path: string): void;
  line(number: number, text: string, isMatch: boolean): void;
  endFile(): void;
}

export const GREP_MAX_LINE_CHARS = 2000;

export interface GrepOutputOptions {
  readonly mode: GrepMode;
  readonly context: number;
  readonly maxResults: number;
  readonly charBudget: number;
  /** How a file's absolute path is shown. */
  readonly show: (path: string) => string;
}

export class GrepOutput implements GrepSink {
  readonly #options: GrepOutputOptions;
  readonly #out: string[] = [];
  #chars = 0;
  #budgetHit = false;
  #shown = 0;
  #totalMatches = 0;
  #totalFiles = 0;
  #file = '';
  #shownFile = '';
  #fileMatches = 0;
  #lastPrintedMatch = -1;
  #lastPrinted: { file: string; number: number } | undefined;

  constructor(options: GrepOutputOptions) {
    this.#options = options;
  }

  beginFile(path: string): void {
    this.#file = path;
    this.#shownFile = this.#options.show(path);
    this.#fileMatches = 0;
    this.#lastPrintedMatch = -1;
  }

  line(number: number, text: string, isMatch: boolean): void {
    if (isMatch) {
      this.#fileMatches++;
      this.#totalMatches++;
    }
    const { mode, maxResults, context } = this.#options;
    if (mode === 'files_with_matches') {
      if (isMatch && this.#fileMatches === 1) {
        this.#totalFiles++;
        if (this.#shown < maxResults && this.#emit(this.#shownFile)) this.#shown++;
      }
      return;
    }
    if (mode !== 'content') return;
    let printable: boolean;
    if (isMatch) {
      printable = this.#shown < maxResults;
    } else {
      // Context is shown while matches are, and after the last match shown, up to its reach.
      printable = this.#shown < maxResults || (this.#lastPrintedMatch !== -1 && number <= this.#lastPrintedMatch + context);
    }
    if (!printable) return;
    const previous = this.#lastPrinted;
    const separate = context > 0 && previous !== undefined && (previous.file !== this.#file || number > previous.number + 1);
    const cut = truncateLine(text, GREP_MAX_LINE_CHARS);
    const body = `${this.#shownFile}${isMatch ? ':' : '-'}${number}${isMatch ? ':' : '-'}${cut.text}${cut.truncated ? ' [… line truncated]' : ''}`;
    if (!this.#emit(separate ? `--\n${body}` : body)) return;
    this.#lastPrinted = { file: this.#file, number };
    if (isMatch) {
      this.#shown++;
      this.#lastPrintedMatch = number;
    }
  }

  endFile(): void {
    if (this.#options.mode === 'count' && this.#fileMatches > 0) {
      this.#totalFiles++;
      if (this.#shown < this.#options.maxResults && this.#emit(`${this.#shownFile}:${this.#fileMatches}`)) this.#shown++;
    } else if (this.#options.mode === 'content' && this.#fileMatches > 0) {
      this.#totalFiles++;
    }
  }

  get totalFiles(): number {
    return this.#totalFiles;
  }

  /** The whole output, with notes on what was left out and any backend notes. */
  finish(emptyMessage: string, notes: readonly string[]): string {
    if (this.#totalFiles === 0) return [emptyMessage, ...notes].join('\n');
    const footer: string[] = [];
    const { mode } = this.#options;
    const narrow = 'Narrow the search with a more specific pattern, path or glob, or raise max_results.';
    if (mode === 'content' && this.#shown < this.#totalMatches) {
      footer.push(`[Showing ${this.#shown} of ${this.#totalMatches} matching lines in ${this.#totalFiles} files. ${narrow}]`);
    } else if (mode !== 'content' && this.#shown < this.#totalFiles) {
      footer.push(`[Showing ${this.#shown} of ${this.#totalFiles} files. ${narrow}]`);
    }
    if (this.#budgetHit) footer.push('[Output stopped at the size limit for one result.]');
    if (mode === 'count') footer.push(`[Total: ${this.#totalMatches} matching lines in ${this.#totalFiles} files.]`);
    footer.push(...notes);
    return footer.length === 0 ? this.#out.join('\n') : `${this.#out.join('\n')}\n\n${footer.join('\n')}`;
  }

  #emit(text: string): boolean {
    if (this.#budgetHit || this.#chars + text.length + 1 > this.#options.charBudget) {
      this.#budgetHit = true;
      return false;
    }
    this.#out.push(text);
    this.#chars += text.length + 1;
    return true;
  }
}
