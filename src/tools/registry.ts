/**
 * The set of tools one session offers the model. The JSON Schemas are generated once from
 * the zod schemas and kept byte-stable, because they sit in the cached prompt prefix.
 */
import { z } from 'zod';
import type { ToolSpec } from '../model/types.ts';
import type { AnyTool } from './types.ts';

export class ToolRegistry {
  readonly #tools: Map<string, AnyTool>;
  readonly #specs: readonly ToolSpec[];

  constructor(tools: readonly AnyTool[]) {
    this.#tools = new Map(tools.map((tool) => [tool.name, tool]));
    this.#specs = tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: toInputJsonSchema(tool.inputSchema),
    }));
  }

  get(name: string): AnyTool | undefined {
    return this.#tools.get(name);
  }

  names(): string[] {
    return [...this.#tools.keys()];
  }

  specs(): readonly ToolSpec[] {
    return this.#specs;
  }
}

function toInputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  // `io: 'input'` so fields with defaults are optional for the model, as they are in fact.
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
