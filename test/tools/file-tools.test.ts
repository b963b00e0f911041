import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFileTools } from '../../src/tools/file-tools.ts';
import { ToolRegistry } from '../../src/tools/registry.ts';
import { createTestEnvironment } from './env.ts';

test('the six file tools, in order, with the kinds the policy relies on', () => {
  const tools = createFileTools(createTestEnvironment('/project'));
  assert.deepEqual(
    tools.map((tool) => [tool.name, tool.kind, tool.readOnly]),
    [
      ['read', 'read', true],
      ['write', 'edit', false],
      ['edit', 'edit', false],
      ['glob', 'read', true],
      ['grep', 'read', true],
      ['todo', 'internal', true],
    ],
  );
});

test('every schema becomes a JSON Schema with described properties', () => {
  const registry = new ToolRegistry(createFileTools(createTestEnvironment('/project')));
  for (const spec of registry.specs()) {
    const schema = spec.inputSchema as { type?: string; properties?: Record<string, { description?: string }>; required?: string[] };
    assert.equal(schema.type, 'object', spec.name);
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      assert.ok((property.description ?? '').length > 0, `${spec.name}.${name} has no description`);
    }
    assert.ok(spec.description.length > 50 && spec.description.length < 1200, `${spec.name} description length ${spec.description.length}`);
  }
  const read = registry.specs().find((spec) => spec.name === 'read')!.inputSchema as { required?: string[] };
  assert.deepEqual(read.required, ['path']);
  const grep = registry.specs().find((spec) => spec.name === 'grep')!.inputSchema as { properties: Record<string, { enum?: string[] }> };
  assert.deepEqual(grep.properties.output_mode?.enum, ['content', 'files_with_matches', 'count']);
});
