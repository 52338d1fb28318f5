import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toolLoop } from '../effects/tool-loop';
import { runEffect } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';

/** A price for the test models given a window of their own (which drops the default price): free, so their calls are priced — at $0 — and no `model.unknown_price` is warned. */
const free = { inputPerMillion: 0, outputPerMillion: 0 };

describe('BudgetError', () => {
  it('points at the strategy that cuts a tool result larger than the window (issue 9)', async () => {
    const dump = defineTool({
      name: 'dump',
      description: 'Returns a long report.',
      input: z.object({}),
      output: z.string(),
      effect: 'pure',
      trustedOutput: true,
      execute: async () => 'word '.repeat(5_000),
    });
    const model = scriptedModel({
      responses: [{ toolCalls: [{ name: 'dump', arguments: {} }] }, 'done'],
      metadata: { contextWindow: 1_000, maxOutputTokens: 100, pricing: free },
    });
    const { error } = await runEffect(
      // A cap above the window (the default follows the window, and would cut it to fit).
      toolLoop({
        model: 'm',
        tools: [dump],
        prompt: () => 'Summarise the report.',
        maxToolOutputTokens: 8_000,
      }),
      undefined,
      { models: { m: model } },
    );
    expect(error?.code).toBe('budget.exceeded');
    expect(error?.message).toMatch(
      /keep-head-and-tail cuts the middle of an oversized .*tool result/,
    );
    expect(error?.message).toContain('maxToolOutputTokens');
    // Nothing over the window was sent.
    expect(model.requests).toHaveLength(1);
  });
});
