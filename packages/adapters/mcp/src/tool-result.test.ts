import { defineTool, RunError, toolCall } from '@agentchart/core';
import { runEffect } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toToolOutput } from './tool-result';

const source = { server: 'web', tool: 'fetch', maxOutputBytes: 1_000_000 };
const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('toToolOutput', () => {
  it('hands a result nested too deep for JSON to the harness, which refuses it as tool.output_too_deep', async () => {
    const answer = { content: [], structuredContent: { page: nested(5_000) } };
    // Before: JSON.stringify overflowed the stack here, and the call failed as tool.failed
    // "Maximum call stack size exceeded".
    const output = toToolOutput(answer, source);
    expect(output).toEqual({ content: [], structuredContent: answer.structuredContent });
    const fetchPage = defineTool({
      name: 'fetch',
      description: 'Fetches a page through an MCP server.',
      input: z.object({}),
      output: z.any(),
      effect: 'pure',
      execute: async () => toToolOutput(answer, source),
    });
    const { error } = await runEffect(toolCall(fetchPage), {});
    expect(RunError.isInstance(error) && error.code).toBe('tool.output_too_deep');
  });

  it('still refuses a result over maxOutputBytes', () => {
    const answer = { content: [{ type: 'text', text: 'x'.repeat(2_000) }] };
    expect(() => toToolOutput(answer, { ...source, maxOutputBytes: 1_000 })).toThrow(
      expect.objectContaining({ code: 'mcp.output_too_large' }),
    );
  });

  it('leaves a long error text whole for the harness to cut around secrets', async () => {
    // Before: cut at 2,000 characters here, where a secret at the cut kept a part no
    // redaction recognises.
    const secret = 'tok_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
    const text = `${'x'.repeat(1_980)}${secret}${'y'.repeat(1_000)}`;
    const answer = { isError: true, content: [{ type: 'text', text }] };
    expect(() => toToolOutput(answer, source)).toThrow(`${secret}yyy`);
  });
});
