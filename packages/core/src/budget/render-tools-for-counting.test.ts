import { describe, expect, it } from 'vitest';
import { renderSchemaType, renderToolsForCounting } from './render-tools-for-counting';

describe('renderToolsForCounting', () => {
  it('renders tools as the TypeScript namespace OpenAI puts in the prompt', () => {
    const text = renderToolsForCounting([
      {
        name: 'get_current_weather',
        description: 'Get the current weather in a given location',
        parameters: {
          type: 'object',
          properties: {
            location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
            unit: {
              type: 'string',
              description: 'The unit of temperature to return',
              enum: ['celsius', 'fahrenheit'],
            },
          },
          required: ['location'],
        },
      },
      { name: 'ping', description: '', parameters: { type: 'object', properties: {} } },
    ]);
    expect(text).toBe(
      [
        'namespace functions {',
        '',
        '// Get the current weather in a given location',
        'type get_current_weather = (_: {',
        '// The city and state, e.g. San Francisco, CA',
        'location: string,',
        '// The unit of temperature to return',
        'unit?: "celsius" | "fahrenheit",',
        '}) => any;',
        '',
        'type ping = () => any;',
        '',
        '} // namespace functions',
      ].join('\n'),
    );
  });
});

describe('renderSchemaType', () => {
  it('renders nested objects, arrays, unions and nullable types', () => {
    const type = renderSchemaType({
      type: 'object',
      properties: {
        tags: { type: 'array', items: { type: 'string' } },
        score: { type: ['number', 'null'] },
        kind: { anyOf: [{ const: 'a' }, { type: 'integer' }] },
        nested: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
      },
      required: ['tags'],
    });
    expect(type).toBe(
      [
        '{',
        '  tags: string[],',
        '  score?: number | null,',
        '  kind?: "a" | number,',
        '  nested?: {',
        '    ok: boolean,',
        '},',
        '}',
      ].join('\n'),
    );
  });
});
