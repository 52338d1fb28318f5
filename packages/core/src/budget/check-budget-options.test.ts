import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { structuredCall } from '../effects/structured-call';
import { toolLoop } from '../effects/tool-loop';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { runEffect } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';
import { checkBudgetOptions } from './check-budget-options';
import { defaultSectionPolicies, resolveSectionPolicies } from './section-policies';

const machine = setup({}).createMachine({ id: 'm', initial: 'a', states: { a: {} } });
const agentWith = (options: Record<string, unknown>) => () =>
  createAgent({ machine, models: { m: scriptedModel() }, ...options } as never);

describe('checkBudgetOptions', () => {
  it('refuses a strategy that does not exist instead of skipping it (issue 9)', () => {
    expect(agentWith({ budget: { strategies: ['trim-newest'] } })).toThrow(
      /budget\.strategies lists "trim-newest", which is not a strategy.*keep-head-and-tail/,
    );
    expect(agentWith({ budget: { strategies: 'keep-head-and-tail' } })).toThrow(
      /budget\.strategies must be a list/,
    );
  });

  it('refuses budget numbers that plan against a window that does not exist (issue 9)', () => {
    for (const budget of [
      { reserveOutputTokens: -5 },
      { safetyMargin: 2 },
      { keepLastTurns: 1.5 },
      { headShare: 3 },
      { summaryTokens: 0 },
      { reserveOutputTokens: 100, minOutputTokens: 200 },
    ]) {
      expect(agentWith({ budget }), JSON.stringify(budget)).toThrow(
        expect.objectContaining({ code: 'definition.invalid_option' }),
      );
    }
    expect(agentWith({ budget: { safetyMargin: 2 } })).toThrow(/budget\.safetyMargin is 2/);
    // Before: "a whole number of tokens" for a count of turns.
    expect(agentWith({ budget: { keepLastTurns: -1 } })).toThrow(
      /budget\.keepLastTurns is -1\. Give a whole number of turns, 0 or more/,
    );
  });

  it('refuses a section policy for a section that does not exist or of the wrong type (issue 9)', () => {
    expect(agentWith({ budget: { sections: { tools: { droppable: true } } } })).toThrow(
      /budget\.sections\.tools is not a section/,
    );
    expect(agentWith({ budget: { sections: { history: { droppable: 'yes' } } } })).toThrow(
      /budget\.sections\.history\.droppable must be true or false/,
    );
    expect(agentWith({ budget: { sections: { history: { prority: 1 } } } })).toThrow(
      /budget\.sections\.history\.prority is not an option/,
    );
  });

  it('asks for a summariserModel when the agent budget compresses history without one (issue 9)', () => {
    expect(agentWith({ budget: { strategies: ['compress-history'] } })).toThrow(
      /no summariserModel is given/,
    );
  });

  it("checks an effect's own budget and cache settings when the effect is defined (issue 9)", () => {
    const prompt = () => 'hi';
    expect(() =>
      toolLoop({
        model: 'm',
        tools: [],
        prompt,
        modelCall: { budget: { strategies: ['drop-oldest'] } } as never,
      }),
    ).toThrow(/toolLoop: modelCall\.budget\.strategies lists "drop-oldest"/);
    expect(() =>
      structuredCall({
        model: 'm',
        schema: z.object({ a: z.string() }),
        prompt,
        modelCall: { budjet: {} } as never,
      }),
    ).toThrow(/modelCall\.budjet is not an option/);
    expect(() =>
      structuredCall({
        model: 'm',
        schema: z.object({ a: z.string() }),
        prompt,
        modelCall: { cache: 'off' } as never,
      }),
    ).toThrow(/modelCall\.cache must be true or false/);
  });

  it('takes a section or a section policy field given as undefined as left out', () => {
    // Before: `history: undefined` was refused ("takes an options object … not nothing"), and
    // `memory: { priority: undefined }` replaced the default priority with undefined.
    const sections = { history: undefined, memory: { priority: undefined, droppable: undefined } };
    expect(agentWith({ budget: { sections } })).not.toThrow();
    expect(resolveSectionPolicies(sections)).toEqual(defaultSectionPolicies);
  });

  it('accepts every documented option', () => {
    expect(() =>
      checkBudgetOptions(
        'test',
        {
          strategies: ['trim-oldest-history', 'drop-lowest-priority', 'keep-head-and-tail'],
          sections: { documents: { priority: 60, droppable: false, cuttable: true } },
          reserveOutputTokens: 500,
          minOutputTokens: 200,
          safetyMargin: 0.1,
          keepLastTurns: 0,
          minCutTokens: 64,
          headShare: 0.3,
          summaryTokens: 256,
        },
        'budget.',
      ),
    ).not.toThrow();
  });

  it('names summariserModel when an effect compresses history on an agent without one (issue 9)', async () => {
    const { error } = await runEffect(
      toolLoop({
        model: 'm',
        tools: [],
        prompt: () => 'go',
        modelCall: { budget: { strategies: ['compress-history'] } },
      }),
      undefined,
      {
        models: { m: scriptedModel({ responses: ['done'] }) },
        checkpointer: new MemoryCheckpointer(),
      },
    );
    expect(error?.code).toBe('definition.invalid_option');
    expect(error?.message).toMatch(/createAgent was given no summariserModel/);
  });
});
