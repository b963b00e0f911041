/**
 * Prompt-cache simulation. A request is measured as an ordered list of segments (tools,
 * system blocks, message blocks); a prefix is identified by a chained hash of its segments
 * plus its token count, so two requests share a cached prefix exactly when their leading
 * segments are identical, as with the real caches.
 *
 * Anthropic caches only what the request marks: prefixes ending at cache_control breakpoints
 * are written, and a later request reads the longest stored prefix that ends at one of its
 * breakpoints or at most 20 blocks before one.
 * OpenAI caches automatically: every prefix it has seen can be read later.
 */
import { createHash } from 'node:crypto';
import { estimateTokens } from './wire-util.ts';

/** How far before a breakpoint the Anthropic API looks for a cached prefix, in content blocks. */
export const LOOKBACK_BLOCKS = 20;

export interface PromptSegment {
  /** Canonical text of the segment, without cache_control (moving a breakpoint must not
   * change what the prefix is). */
  readonly text: string;
  /** Whether the request put a cache_control breakpoint on this segment. */
  readonly breakpoint: boolean;
}

export interface CacheMeasurement {
  readonly totalTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

interface Boundary {
  readonly key: string;
  readonly tokens: number;
  readonly breakpoint: boolean;
}

export class PrefixCache {
  readonly #mode: 'breakpoints' | 'automatic';
  readonly #stored = new Set<string>();

  constructor(mode: 'breakpoints' | 'automatic') {
    this.#mode = mode;
  }

  /** Measures one request against the cache and stores what the provider would store. */
  measure(model: string, segments: readonly PromptSegment[]): CacheMeasurement {
    const boundaries = this.#boundaries(model, segments);
    const totalTokens = boundaries.at(-1)?.tokens ?? 0;
    const lastBreakpoint = this.#mode === 'automatic' ? boundaries.length - 1 : boundaries.findLastIndex((b) => b.breakpoint);
    if (lastBreakpoint < 0) return { totalTokens, cacheReadTokens: 0, cacheWriteTokens: 0 };

    // Automatic caching finds any prefix seen before. Breakpoint caching (Anthropic) looks for
    // a stored prefix at each breakpoint and at most LOOKBACK_BLOCKS blocks before it, as the
    // API does: a prefix further back is not found even though it is stored.
    let cacheReadTokens = 0;
    const starts = this.#mode === 'automatic' ? [lastBreakpoint] : boundaries.flatMap((b, i) => (b.breakpoint ? [i] : []));
    for (const start of starts) {
      const stop = this.#mode === 'automatic' ? 0 : Math.max(0, start - LOOKBACK_BLOCKS);
      for (let i = start; i >= stop; i--) {
        const boundary = boundaries[i];
        if (boundary !== undefined && this.#stored.has(boundary.key)) {
          cacheReadTokens = Math.max(cacheReadTokens, boundary.tokens);
          break;
        }
      }
    }
    const writeUpTo = boundaries[lastBreakpoint]?.tokens ?? 0;
    for (const boundary of boundaries.slice(0, lastBreakpoint + 1)) {
      if (this.#mode === 'automatic' || boundary.breakpoint) this.#stored.add(boundary.key);
    }
    const cacheWriteTokens = this.#mode === 'automatic' ? 0 : Math.max(0, writeUpTo - cacheReadTokens);
    return { totalTokens, cacheReadTokens, cacheWriteTokens };
  }

  #boundaries(model: string, segments: readonly PromptSegment[]): Boundary[] {
    let hash = createHash('sha256').update(`model:${model}`).digest('hex');
    let chars = 0;
    return segments.map((segment) => {
      hash = createHash('sha256').update(hash).update('\n').update(segment.text).digest('hex');
      chars += segment.text.length;
      const tokens = estimateTokens(chars);
      return { key: `${tokens}:${hash}`, tokens, breakpoint: segment.breakpoint };
    });
  }
}
