import { toolCall } from '@agentchart/core';
import { runEffect } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { JsonQueryError } from './json-query-error';
import { jsonQueryTool } from './json-query-tool';

const context = { signal: new AbortController().signal, idempotencyKey: 'key', threadId: 'thread' };

describe('jsonQueryTool', () => {
  it('queries the document the model passes, in a worker', async () => {
    const tool = jsonQueryTool();
    expect(tool.effect).toBe('pure');
    await expect(
      tool.execute(
        {
          query: 'orders[?total > `100`].id',
          document: '{"orders":[{"id":"a","total":50},{"id":"b","total":150}]}',
        },
        context,
      ),
    ).resolves.toEqual({ json: '["b"]', truncated: false });
  });

  it('queries bound data, fresh on each call, without a document argument', async () => {
    let calls = 0;
    const tool = jsonQueryTool({ data: () => ({ calls: ++calls }) });
    expect(tool.input.safeParse({ query: 'calls', document: '{}' }).success).toBe(false);
    await expect(tool.execute({ query: 'calls' }, context)).resolves.toEqual({
      json: '1',
      truncated: false,
    });
    await expect(tool.execute({ query: 'calls' }, context)).resolves.toEqual({
      json: '2',
      truncated: false,
    });
  });

  // Each step doubles the value's size; to_string() then serializes 2^40 copies.
  const doubling = Array.from({ length: 40 }, () => '{a: @, b: @}').join(' | ');
  const endless = { query: `to_string(${doubling})`, document: '{"x": 1}' };

  it('stops a query that would run for ever, terminating its worker, with tool.timeout (it gave json_query.timeout)', async () => {
    const tool = jsonQueryTool({ timeoutMs: 1_500 });
    const error = await tool.execute(endless, context).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({
      name: 'RunError',
      code: 'tool.timeout',
      details: { tool: 'json_query', timeoutMs: 1_500 },
    });
    await expect(tool.execute({ query: 'x', document: '{"x": 1}' }, context)).resolves.toEqual({
      json: '1',
      truncated: false,
    });
  });

  it("times out as tool.timeout in a chart whichever deadline fires first: its own gave tool.failed (json_query.timeout), the agent's tool.timeout", async () => {
    // Both deadlines fall at timeoutMs; tiny ones make each fire first in some of the runs.
    for (let attempt = 0; attempt < 24; attempt++) {
      const timeoutMs = 1 + (attempt % 6);
      const { error } = await runEffect(toolCall(jsonQueryTool({ timeoutMs })), endless);
      expect(error).toMatchObject({
        code: 'tool.timeout',
        details: { tool: 'json_query', timeoutMs },
      });
    }
  });

  it('refuses limits that are not positive whole numbers', () => {
    expect(() => jsonQueryTool({ maxOutputChars: 0 })).toThrow('maxOutputChars is 0');
  });

  it('refuses a worker heap too small to run a query, which ended the whole process', () => {
    // 1 or 2 MiB: V8's fatal out-of-memory killed the host on the first query; 4 failed each.
    for (const maxMemoryMb of [1, 2, 4, 7]) {
      expect(() => jsonQueryTool({ maxMemoryMb })).toThrow(
        /maxMemoryMb is \d+\. Give at least 8 MiB/,
      );
    }
    expect(() => jsonQueryTool({ maxMemoryMb: 8 })).not.toThrow();
  });

  it('refuses bound data JSON cannot write, and says so when a data function returns it', async () => {
    // Before, a cycle was accepted: "@" answered the same object repeated up to the output limit.
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => jsonQueryTool({ data: cyclic })).toThrow(
      'jsonQueryTool: data is not a JSON document (it refers to itself).',
    );
    expect(() => jsonQueryTool({ data: { count: 1n } })).toThrow(
      /jsonQueryTool: data is not a JSON document \(.*BigInt/,
    );
    const tool = jsonQueryTool({ data: () => cyclic });
    const error = await tool.execute({ query: 'a' }, context).catch((thrown: unknown) => thrown);
    expect(JsonQueryError.isInstance(error) && error.code).toBe('json_query.invalid_document');
    expect((error as Error).message).toContain(
      "The document this tool's data function returned is not JSON (it refers to itself)",
    );
  });
});
