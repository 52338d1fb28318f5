import { DefinitionError } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { createLinearAjv } from './create-linear-ajv';
import { inputContractOf } from './input-contract';

const options = { owner: 'MCP tool "t" of server "s"', ajv: createLinearAjv() };

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

  it('enforces JSON Schema 2020-12 keywords, with or without a pattern (issue h5-1)', () => {
    for (const pattern of [undefined, '^[a-z]+$']) {
      const contract = inputContractOf(
        {
          type: 'object',
          properties: {
            name: { type: 'string', ...(pattern ? { pattern } : {}) },
            card: { type: 'string' },
            cvv: { type: 'string' },
            pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }] },
          },
          dependentRequired: { card: ['cvv'] },
          unevaluatedProperties: false,
        },
        options,
      );
      expect(contract.safeParse({ name: 'a', card: '1', cvv: '2', pair: ['a', 1] }).success).toBe(
        true,
      );
      expect(contract.safeParse({ card: '1' }).error?.issues).toEqual([
        expect.objectContaining({ params: { keyword: 'dependentRequired' } }),
      ]);
      expect(contract.safeParse({ pair: ['a', 'b'] }).error?.issues).toEqual([
        expect.objectContaining({ path: ['pair', 1] }),
      ]);
      expect(contract.safeParse({ other: 1 }).error?.issues).toEqual([
        expect.objectContaining({ params: { keyword: 'unevaluatedProperties' } }),
      ]);
    }
  });

  it('enforces draft-07 dependencies, which zod passes over, and array items when $schema names draft-07', () => {
    const dependencies = inputContractOf(
      { type: 'object', properties: { card: { type: 'string' } }, dependencies: { card: ['cvv'] } },
      options,
    );
    expect(dependencies.safeParse({ card: '1' }).success).toBe(false);
    expect(dependencies.safeParse({ card: '1', cvv: '2' }).success).toBe(true);
    const tuple = inputContractOf(
      {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { pair: { type: 'array', items: [{ type: 'string' }, { pattern: '^x' }] } },
      },
      options,
    );
    expect(tuple.safeParse({ pair: ['a', 'xy'] }).success).toBe(true);
    expect(tuple.safeParse({ pair: ['a', 'y'] }).success).toBe(false);
  });

  it('refuses a keyword no validator here checks instead of ignoring it, naming it', () => {
    const compile = () => inputContractOf({ type: 'object', 'x-must-be-even': ['count'] }, options);
    expect(compile).toThrow(DefinitionError);
    expect(compile).toThrow(
      /MCP tool "t" of server "s": its input schema uses the keyword "x-must-be-even"/,
    );
  });

  it("takes pydantic's discriminator beside a oneOf as an annotation, the oneOf still checking", () => {
    // A tagged union as pydantic writes it: refused as an unknown keyword, every tool of such
    // a server (FastMCP's) would fail the connection.
    const contract = inputContractOf(
      {
        type: 'object',
        properties: {
          pet: {
            oneOf: [
              {
                type: 'object',
                properties: { kind: { const: 'cat' }, lives: { type: 'integer' } },
                required: ['kind', 'lives'],
              },
              {
                type: 'object',
                properties: { kind: { const: 'dog' }, bark: { type: 'string' } },
                required: ['kind', 'bark'],
              },
            ],
            discriminator: {
              propertyName: 'kind',
              mapping: { cat: '#/$defs/Cat', dog: '#/$defs/Dog' },
            },
          },
        },
        required: ['pet'],
      },
      options,
    );
    expect(contract.safeParse({ pet: { kind: 'cat', lives: 9 } }).success).toBe(true);
    expect(contract.safeParse({ pet: { kind: 'dog', lives: 9 } }).success).toBe(false);
  });

  it('keeps an unknown format an annotation, as JSON Schema 2020-12 does', () => {
    const contract = inputContractOf(
      { type: 'object', properties: { at: { type: 'string', format: 'file-path' } } },
      options,
    );
    expect(contract.safeParse({ at: 'a/b' }).success).toBe(true);
  });

  it('refuses a schema nothing can compile, naming the tool', () => {
    const compile = () =>
      inputContractOf({ type: 'object', not: { $ref: 'https://example.com/elsewhere' } }, options);
    expect(compile).toThrow(DefinitionError);
    expect(compile).toThrow(/MCP tool "t" of server "s": its input schema cannot be compiled/);
  });

  it('checks a server pattern that backtracks exponentially against a long argument, with the typed result', () => {
    // Under JavaScript's RegExp this argument takes minutes: every extra "a" doubles the time.
    const contract = inputContractOf(
      {
        type: 'object',
        properties: { name: { type: 'string', pattern: '^(a+)+$' } },
        required: ['name'],
      },
      options,
    );
    const refused = contract.safeParse({ name: `${'a'.repeat(34)}!` });
    expect(refused.error?.issues).toEqual([
      expect.objectContaining({
        code: 'custom',
        path: ['name'],
        message: 'must match pattern "^(a+)+$"',
      }),
    ]);
    expect(contract.safeParse({ name: `${'a'.repeat(100_000)}!` }).success).toBe(false);
    expect(contract.safeParse({ name: 'a'.repeat(100_000) }).success).toBe(true);
  });

  it('checks patternProperties keys and nested patterns in linear time, each pattern its own', () => {
    const contract = inputContractOf(
      {
        type: 'object',
        properties: {
          tags: { type: 'array', items: { type: 'string', pattern: '^[a-z]+$' } },
          code: { type: 'string', pattern: '^[0-9]+$' },
        },
        patternProperties: { '^(x+)+y$': { type: 'number' } },
      },
      options,
    );
    expect(contract.safeParse({ tags: ['ab'], code: '12', xxy: 1 }).success).toBe(true);
    const refused = contract.safeParse({
      tags: ['ok', 'NO'],
      code: 'ab',
      [`${'x'.repeat(34)}y`]: 'not a number',
    });
    expect(refused.error?.issues.map((issue) => issue.path)).toEqual([
      ['tags', 1],
      ['code'],
      [`${'x'.repeat(34)}y`],
    ]);
    expect(contract.safeParse({ [`${'x'.repeat(34)}z`]: 'not matched' }).success).toBe(true);
  });

  it('refuses a pattern the linear-time engine cannot run, naming the tool and the pattern', () => {
    for (const pattern of ['^(?=.*[0-9]).{8,}$', '^(a)\\1$']) {
      const compile = () =>
        inputContractOf(
          { type: 'object', properties: { password: { type: 'string', pattern } } },
          options,
        );
      expect(compile).toThrow(DefinitionError);
      expect(compile).toThrow(
        `MCP tool "t" of server "s": its input schema's pattern ${JSON.stringify(pattern)} uses a feature that cannot be matched in linear time`,
      );
    }
  });

  it('refuses a url over 8192 characters, whose check takes quadratic time', () => {
    const contract = inputContractOf(
      {
        type: 'object',
        properties: { link: { type: 'string', format: 'url' }, id: { pattern: '^[0-9]+$' } },
      },
      options,
    );
    expect(contract.safeParse({ link: 'https://example.com/a' }).success).toBe(true);
    expect(contract.safeParse({ link: `https://example.com/${'a'.repeat(8_000)}` }).success).toBe(
      true,
    );
    expect(contract.safeParse({ link: `https://example.com/${'a'.repeat(9_000)}` }).success).toBe(
      false,
    );
  });

  it('checks a schema whose definitions double at every level without expanding them', () => {
    // Each definition refers twice to the next: expanded, 22 levels are 8 million nodes,
    // which zod's conversion back to JSON Schema would walk for minutes.
    const levels = 22;
    const $defs: Record<string, unknown> = { [`d${levels}`]: { type: 'string' } };
    for (let level = 0; level < levels; level++) {
      const next = { $ref: `#/$defs/d${level + 1}` };
      $defs[`d${level}`] = { type: 'object', properties: { x: next, y: next } };
    }
    const contract = inputContractOf(
      { type: 'object', properties: { root: { $ref: '#/$defs/d0' } }, $defs },
      options,
    );
    const nested = (leaf: unknown) => {
      let value = leaf;
      for (let level = 0; level < levels; level++) value = { x: value };
      return { root: value };
    };
    expect(contract.safeParse(nested('text')).success).toBe(true);
    expect(contract.safeParse(nested(42)).error?.issues).toEqual([
      expect.objectContaining({
        path: ['root', ...Array(levels).fill('x')],
        message: 'must be string',
      }),
    ]);
  });
});
