/**
 * Reads the prompt from stdin when it was not given on the command line. Refuses input that
 * is not UTF-8 text or is implausibly large, rather than sending garbage to the model.
 */
import { UsageError } from './usage-error.ts';

const MAX_PROMPT_BYTES = 1024 * 1024;

export async function readPromptFromStdin(stdin: NodeJS.ReadStream): Promise<string | null> {
  if (stdin.isTTY) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_PROMPT_BYTES) {
      throw new UsageError(`the prompt on stdin is larger than ${MAX_PROMPT_BYTES / 1024} KiB; put the material in a file and ask ward to read it`);
    }
    chunks.push(buffer);
  }
  const bytes = Buffer.concat(chunks);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError('the prompt on stdin is not valid UTF-8 text');
  }
  return text.trim() === '' ? null : text.trim();
}
