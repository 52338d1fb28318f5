import type { BudgetLedger } from '@agentchart/core';
import { testAgentPaths } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { researchAgent, researchAgentMachine } from './agent';
import { demoModel } from './demo-model';

const question =
  'How far along is shore power in Rotterdam and Hamburg, and what were port emissions in 2024?';

describe('research agent on the demo model', () => {
  it('calls its tools in parallel, stays within the window and answers from what the budget kept', async () => {
    const model = demoModel();
    const agent = researchAgent(model);
    const log: string[] = [];
    const ledgers: BudgetLedger[] = [];
    agent.events.on('tool.call.start', ({ tool, input }) =>
      log.push(`start ${tool} ${JSON.stringify(input)}`),
    );
    agent.events.on('tool.call.end', ({ tool }) => log.push(`end ${tool}`));
    agent.events.on('budget.ledger', ({ ledger }) => ledgers.push(ledger));
    const outcome = await agent.run({ input: { question } });

    expect(outcome).toMatchObject({ status: 'done', output: { toolCalls: 7, steps: 3 } });
    const answer = outcome.status === 'done' ? (outcome.output.answer ?? '') : '';
    for (const cited of [
      '[N-1]',
      '[N-2]',
      '[N-4]',
      '[N-5]',
      'port emissions in 2024: 12.7 Mt CO2',
    ]) {
      expect(answer).toContain(cited);
    }
    // Both searches start before either ends; all four reads and the lookup, likewise.
    expect(log.slice(0, 2).every((line) => line.startsWith('start search_notes'))).toBe(true);
    const second = log.slice(4);
    expect(second.slice(0, 5).every((line) => line.startsWith('start'))).toBe(true);
    expect(second.slice(5).every((line) => line.startsWith('end'))).toBe(true);

    // The last call was planned down from over the window to within it: the search turn
    // dropped, the notes' middles cut.
    const last = ledgers.at(-1)!;
    expect(last.inputTokensBefore + last.reservedOutputTokens).toBeGreaterThan(last.capacity);
    expect(last.inputTokens + last.reservedOutputTokens).toBeLessThanOrEqual(last.capacity);
    expect(new Set(last.trimmed.map((record) => record.strategy))).toEqual(
      new Set(['trim-oldest-history', 'keep-head-and-tail']),
    );
    expect(
      model.requests
        .at(-1)
        ?.messages.some((message) =>
          message.content.includes('cut here to fit the context window'),
        ),
    ).toBe(true);
  });

  it('records the prompt version with every model call', async () => {
    const agent = researchAgent(demoModel());
    const outcome = await agent.run({ threadId: 'q', input: { question } });
    const calls = (await agent.journal(outcome.threadId)).filter((entry) => entry.kind === 'llm');
    expect(calls.map((entry) => entry.meta?.prompt)).toEqual(
      Array(3).fill({ id: 'research.answer', version: 1 }),
    );
  });
});

describe('researchAgent paths', () => {
  it('ends every path where the chart says: an answer, a failing tool, 429, breaker, limits', async () => {
    const report = await testAgentPaths({
      machine: researchAgentMachine,
      input: { question },
      effects: {
        research: {
          outputs: ['Rotterdam had 12 berths in use. [N-1]'],
          toolError: { tool: 'read_note', arguments: { id: 'N-99' } },
        },
      },
    });
    expect(report.failures).toEqual([]);
    const reasons = report.paths.map(
      (path) => path.outcome.status === 'done' && path.outcome.output.reason,
    );
    // The tool's error goes back to the model; calling it again and again stops the loop.
    expect(reasons).toEqual([
      undefined,
      'tool.invalid_arguments',
      'loop.repeated_call',
      'model.rate_limited',
      'model.circuit_open',
      false,
    ]);
  });
});
