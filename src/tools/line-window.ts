/**
 * Reads a window of lines from a file of any size: the file is scanned in fixed-size chunks
 * through one reused buffer, lines before the window are only counted, and each line kept is
 * capped in bytes, so memory stays constant whether the file is 1 KB or 10 GB, even when it
 * is a single enormous line.
 */
import { open } from 'node:fs/promises';
import { decodeUtf8, truncateLine, utf8Boundary } from './text-file.ts';

const CHUNK_BYTES = 64 * 1024;
/** Remaining lines after the window are counted (to say how many) only up to this many bytes. */
const COUNT_REST_LIMIT = 256 * 1024 * 1024;

export interface WindowOptions {
  /** 1-based first line. */
  readonly offset: number;
  readonly limit: number;
  readonly maxLineChars: number;
  /** Stop before a line that would take the formatted output past this many characters. */
  readonly charBudget: number;
  readonly signal: AbortSignal;
}

export interface WindowLine {
  readonly number: number;
  readonly text: string;
  readonly truncated: boolean;
}

export interface LineWindow {
  readonly lines: readonly WindowLine[];
  readonly invalidUtf8: boolean;
  /** Some line in the window ended in \r\n (the \r is not in `text`). */
  readonly crlf: boolean;
  /** Nothing follows the window. */
  readonly atEnd: boolean;
  /** Lines in the whole file, when known (always known when the scan reached the end). */
  readonly totalLines: number | null;
  readonly bytesAfter: number;
  readonly stoppedByBudget: boolean;
}

/**
 * The formatted form of a line, as read prints it: the number, a tab, the text. Unpadded
 * (cat -n pads to six columns): the padding is some 4 characters a line that every later
 * request re-sends.
 */
export function numberedLine(line: WindowLine): string {
  return `${line.number}\t${line.text}${line.truncated ? ' [… line truncated]' : ''}`;
}

export async function readLineWindow(path: string, options: WindowOptions): Promise<LineWindow> {
  const handle = await open(path, 'r');
  try {
    const chunk = Buffer.alloc(CHUNK_BYTES);
    const lineCap = options.maxLineChars * 4 + 4;
    const lineBytes = Buffer.alloc(lineCap);
    let lineLength = 0;
    let lineSeen = 0;
    let newlines = 0;
    let lastByte = -1;
    let filePosition = 0;
    const lines: WindowLine[] = [];
    let chars = 0;
    let invalidUtf8 = false;
    let crlf = false;
    let stopAt = -1;
    let stoppedByBudget = false;

    const finishLine = (): boolean => {
      const overflow = lineSeen > lineLength;
      let bytes = lineBytes.subarray(0, overflow ? utf8Boundary(lineBytes, lineLength) : lineLength);
      if (!overflow && bytes.at(-1) === 0x0d) {
        crlf = true;
        bytes = bytes.subarray(0, -1);
      }
      const decoded = decodeUtf8(bytes);
      if (!decoded.valid) invalidUtf8 = true;
      const raw = newlines === 0 && decoded.text.startsWith('\uFEFF') ? decoded.text.slice(1) : decoded.text;
      const cut = truncateLine(raw, options.maxLineChars);
      const line = { number: newlines + 1, text: cut.text, truncated: overflow || cut.truncated };
      const cost = numberedLine(line).length + 1;
      lineLength = 0;
      lineSeen = 0;
      if (lines.length > 0 && chars + cost > options.charBudget) {
        stoppedByBudget = true;
        return false;
      }
      lines.push(line);
      chars += cost;
      return true;
    };

    scan: for (;;) {
      options.signal.throwIfAborted();
      const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, filePosition);
      if (bytesRead === 0) break;
      const data = chunk.subarray(0, bytesRead);
      const chunkStart = filePosition;
      filePosition += bytesRead;
      lastByte = data[bytesRead - 1] ?? lastByte;
      let i = 0;
      while (i < bytesRead) {
        const nl = data.indexOf(0x0a, i);
        if (newlines + 1 < options.offset) {
          if (nl === -1) break;
          newlines++;
          i = nl + 1;
          continue;
        }
        const end = nl === -1 ? bytesRead : nl;
        const room = lineCap - lineLength;
        if (room > 0) lineLength += data.copy(lineBytes, lineLength, i, Math.min(end, i + room));
        lineSeen += end - i;
        if (nl === -1) break;
        const lineStart = chunkStart + nl + 1 - (lineSeen + 1);
        if (!finishLine()) {
          stopAt = lineStart;
          break scan;
        }
        newlines++;
        i = nl + 1;
        if (lines.length >= options.limit) {
          stopAt = chunkStart + i;
          break scan;
        }
      }
    }

    if (stopAt === -1) {
      // Reached the end of the file: a last line without a newline is still a line.
      if (lineSeen > 0 && newlines + 1 >= options.offset) {
        const lineStart = filePosition - lineSeen;
        if (!finishLine()) stopAt = lineStart;
      }
    }
    if (stopAt === -1) {
      const total = newlines + (filePosition > 0 && lastByte !== 0x0a ? 1 : 0);
      return { lines, invalidUtf8, crlf, atEnd: true, totalLines: total, bytesAfter: 0, stoppedByBudget };
    }

    const size = (await handle.stat()).size;
    const bytesAfter = Math.max(0, size - stopAt);
    const shownLast = lines.at(-1)?.number ?? options.offset - 1;
    const rest = bytesAfter === 0 ? 0 : bytesAfter <= COUNT_REST_LIMIT ? await countLines(handle, stopAt, chunk, options.signal) : null;
    return {
      lines,
      invalidUtf8,
      crlf,
      atEnd: bytesAfter === 0,
      totalLines: rest === null ? null : shownLast + rest,
      bytesAfter,
      stoppedByBudget,
    };
  } finally {
    await handle.close();
  }
}

async function countLines(handle: Awaited<ReturnType<typeof open>>, from: number, chunk: Buffer, signal: AbortSignal): Promise<number> {
  let count = 0;
  let position = from;
  let last = 0x0a;
  for (;;) {
    signal.throwIfAborted();
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) break;
    const data = chunk.subarray(0, bytesRead);
    for (let i = data.indexOf(0x0a); i !== -1; i = data.indexOf(0x0a, i + 1)) count++;
    last = data[bytesRead - 1] ?? last;
    position += bytesRead;
  }
  return count + (position > from && last !== 0x0a ? 1 : 0);
}
