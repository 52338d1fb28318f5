import { DefinitionError } from '@agentchart/core';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { describe, expect, it } from 'vitest';
import { inputContractOf } from './input-contract';

const options = { owner: 'MCP tool "t" of server "s"', validator: new AjvJsonSchemaValidator() };

describe('inputContractOf', () => {
  it('converts a schema zod covers, with zod issues and paths', () => {
    const contract = inputContractOf(
      {
        type: 'object',
        properties: {
          query: { type: 'string', maxLength: 5 },
          filters: { $ref: '#/$defs/filters' },
        },
        required: ['query'],
        $defs: {
          filters: {
            type: 'object',
            properties: { tags: { type: 'array', items: { enum: ['a', 'b'] } } },
          },
        },
      },
      options,
    );
    expect(contract.safeParse({ query: 'abc', filters: { tags: ['a'] } }).success).toBe(true);
    const refused = contract.safeParse({ query: 'abcdef', filters: { tags: ['c'] } });
    expect(refused.error?.issues.map((issue) => issue.path)).toEqual([
      ['query'],
      ['filters', 'tags', 0],
    ]);
  });

  it('keeps extra properties unless the schema closes the object, as JSON Schema does', () => {
    const open = inputContractOf({ type: 'object', properties: {} }, options);
    const closed = inputContractOf(
      { type: 'object', properties: {}, additionalProperties: false },
      options,
    );
    expect(open.safeParse({ extra: 1 }).success).toBe(true);
    expect(closed.safeParse({ extra: 1 }).success).toBe(false);
  });

  it('enforces keywords zod cannot convert through the JSON Schema validator', () => {
    const contract = inputContractOf(
      {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: { mode: { type: 'string' } },
        not: { required: ['forbidden'] },
      },
      options,
    );
    expect(contract.safeParse({ mode: 'x' }).success).toBe(true);
    expect(contract.safeParse({ mode: 'x', forbidden: 1 }).success).toBe(false);
    expect(contract.safeParse({ mode: 3 }).success).toBe(false);
    expect(contract.safeParse('not an object').success).toBe(false);
  });

  it('refuses a schema nothing can compile, naming the tool', () => {
    const compile = () =>
      inputContractOf({ type: 'object', not: { $ref: 'https://example.com/elsewhere' } }, options);
    expect(compile).toThrow(DefinitionError);
    expect(compile).toThrow(/MCP tool "t" of server "s": its input schema cannot be compiled/);
  });
});
