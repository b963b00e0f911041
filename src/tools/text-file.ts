/**
 * Shared text-file handling for the file tools: what kind of thing a path is, whether its
 * content is text (judged from the first bytes, like git does), UTF-8 decoding that reports
 * invalid bytes instead of hiding them, and whole-file reads bounded by a size limit.
 */
import { open, stat } from 'node:fs/promises';

/** How many leading bytes decide whether a file is text. */
export const SNIFF_BYTES = 8192;

export type PathInfo =
  | { readonly kind: 'file'; readonly size: number; readonly mtimeMs: number }
  | { readonly kind: 'directory' }
  /** A FIFO, socket or device: reading one could block or never end. */
  | { readonly kind: 'special' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unreadable'; readonly message: string };

export async function inspectPath(path: string): Promise<PathInfo> {
  try {
    const info = await stat(path);
    if (info.isFile()) return { kind: 'file', size: info.size, mtimeMs: info.mtimeMs };
    if (info.isDirectory()) return { kind: 'directory' };
    return { kind: 'special' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a component of the path is a file, so the path cannot exist either.
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'unreadable', message: (error as Error).message };
  }
}

export type ContentSniff =
  | { readonly binary: true; readonly what: string }
  | { readonly binary: false; readonly validUtf8: boolean };

const signatures: readonly (readonly [string, readonly number[], number?])[] = [
  ['PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['JPEG image', [0xff, 0xd8, 0xff]],
  ['GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['PDF document', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['ZIP archive', [0x50, 0x4b, 0x03, 0x04]],
  ['gzip archive', [0x1f, 0x8b]],
  ['xz archive', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['7-zip archive', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['ELF executable', [0x7f, 0x45, 0x4c, 0x46]],
  ['WebAssembly module', [0x00, 0x61, 0x73, 0x6d]],
  ['SQLite database', [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66, 0x6f, 0x72, 0x6d, 0x61, 0x74]],
  ['Java class or Mach-O universal binary', [0xca, 0xfe, 0xba, 0xbe]],
  ['Mach-O executable', [0xcf, 0xfa, 0xed, 0xfe]],
  ['Mach-O executable', [0xce, 0xfa, 0xed, 0xfe]],
  ['WebP image', [0x57, 0x45, 0x42, 0x50], 8],
  ['UTF-16 text (only UTF-8 is supported)', [0xff, 0xfe]],
  ['UTF-16 text (only UTF-8 is supported)', [0xfe, 0xff]],
];

function signatureOf(head: Uint8Array): string | undefined {
  for (const [what, bytes, at = 0] of signatures) {
    if (head.length >= at + bytes.length && bytes.every((byte, i) => head[at + i] === byte)) return what;
  }
  return undefined;
}

/**
 * Decides text or binary from a file's first bytes. Binary: a known binary signature, a NUL
 * byte, or mostly bytes no text file has. Text with a few invalid UTF-8 bytes (a Latin-1 file)
 * stays text, reported as not valid UTF-8. `complete` says the bytes are the whole file, so a
 * multi-byte character cut at the end is a real error rather than an artefact of sampling.
 */
export function sniffContent(head: Uint8Array, complete: boolean): ContentSniff {
  const signature = signatureOf(head);
  if (signature !== undefined) return { binary: true, what: signature };
  if (head.includes(0)) return { binary: true, what: 'binary data (contains NUL bytes)' };
  let control = 0;
  for (const byte of head) {
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d && byte !== 0x1b && byte !== 0x08) || byte === 0x7f) control++;
  }
  const invalid = countInvalidUtf8(head, complete);
  if (head.length > 0 && (control + invalid) / head.length > 0.3) return { binary: true, what: 'binary data' };
  return { binary: false, validUtf8: invalid === 0 };
}

/** Bytes that are not part of a well-formed UTF-8 sequence (approximated by U+FFFD produced). */
function countInvalidUtf8(bytes: Uint8Array, complete: boolean): number {
  const decoded = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes, { stream: !complete });
  let replacements = 0;
  for (const char of decoded) if (char === '\uFFFD') replacements++;
  if (replacements === 0) return 0;
  // A genuine U+FFFD in the file is encoded EF BF BD and is valid UTF-8.
  let genuine = 0;
  for (let i = bytes.indexOf(0xef); i !== -1 && i + 2 < bytes.length; i = bytes.indexOf(0xef, i + 1)) {
    if (bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) genuine++;
  }
  return replacements - genuine;
}

/** Reads up to SNIFF_BYTES from the start of a file and sniffs them. */
export async function sniffFile(path: string, size: number): Promise<ContentSniff> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return sniffContent(buffer.subarray(0, bytesRead), bytesRead >= size);
  } finally {
    await handle.close();
  }
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Decodes UTF-8, replacing invalid bytes with U+FFFD and saying whether there were any. A byte
 * order mark is kept in the text, so writing the text back reproduces the file exactly.
 */
export function decodeUtf8(bytes: Uint8Array): { readonly text: string; readonly valid: boolean } {
  try {
    return { text: strictDecoder.decode(bytes), valid: true };
  } catch {
    return { text: lenientDecoder.decode(bytes), valid: false };
  }
}

/**
 * The length of the longest prefix of `bytes[0, length)` that does not end inside a
 * multi-byte UTF-8 character, so a cut line does not decode to a spurious U+FFFD.
 */
export function utf8Boundary(bytes: Uint8Array, length: number): number {
  const end = Math.min(length, bytes.length);
  let lead = end - 1;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the last character.
  while (lead >= 0 && end - lead <= 3 && ((bytes[lead] ?? 0) & 0xc0) === 0x80) lead--;
  if (lead < 0) return end;
  const first = bytes[lead] ?? 0;
  const needed = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  return end - lead < needed ? lead : end;
}

/** Cuts a line to at most `maxChars` characters without splitting a surrogate pair. */
export function truncateLine(text: string, maxChars: number): { readonly text: string; readonly truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  let end = maxChars;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return { text: text.slice(0, end), truncated: true };
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? 'TB'}`;
}

export type TextFileRead =
  | { readonly ok: true; readonly text: string; readonly validUtf8: boolean; readonly size: number }
  | { readonly ok: false; readonly problem: FileProblem };

export type FileProblem =
  | { readonly kind: 'missing' }
  | { readonly kind: 'directory' }
  | { readonly kind: 'special' }
  | { readonly kind: 'too_large'; readonly size: number; readonly limit: number }
  | { readonly kind: 'binary'; readonly what: string; readonly size: number }
  | { readonly kind: 'unreadable'; readonly message: string };

/** Reads a whole text file into memory, refusing anything over `maxBytes` or binary. */
export async function readTextFile(path: string, maxBytes: number): Promise<TextFileRead> {
  const info = await inspectPath(path);
  if (info.kind !== 'file') return { ok: false, problem: info };
  if (info.size > maxBytes) return { ok: false, problem: { kind: 'too_large', size: info.size, limit: maxBytes } };
  let bytes: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      // Read at most one byte past the limit: the file may have grown since stat.
      const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
      let filled = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
        if (filled === buffer.length) break;
      }
      if (filled > maxBytes) return { ok: false, problem: { kind: 'too_large', size: filled, limit: maxBytes } };
      bytes = buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { ok: false, problem: { kind: 'unreadable', message: (error as Error).message } };
  }
  const sniff = sniffContent(bytes.subarray(0, SNIFF_BYTES), bytes.length <= SNIFF_BYTES);
  if (sniff.binary) return { ok: false, problem: { kind: 'binary', what: sniff.what, size: bytes.length } };
  const { text, valid } = decodeUtf8(bytes);
  return { ok: true, text, validUtf8: valid, size: bytes.length };
}

/** A message for the model about why a file could not be used, with what to do instead. */
export function describeFileProblem(problem: FileProblem, shownPath: string): string {
  switch (problem.kind) {
    case 'missing':
      return `File not found: ${shownPath}. Check the path, or use glob to find the file.`;
    case 'directory':
      return `${shownPath} is a directory, not a file. Use glob to list the files in it.`;
    case 'special':
      return `${shownPath} is not a regular file (a device, socket or pipe) and cannot be read as text.`;
    case 'too_large':
      return `${shownPath} is too large (${formatSize(problem.size)}; the limit is ${formatSize(problem.limit)}).`;
    case 'binary':
      return `${shownPath} is a binary file (${problem.what}, ${formatSize(problem.size)}); only text files are supported.`;
    case 'unreadable':
      return `Cannot read ${shownPath}: ${problem.message}`;
  }
}
