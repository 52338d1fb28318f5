import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { createAgent } from '../agent/create-agent';
import type { BudgetLedger } from '../budget/types';
import { toolLoop } from '../effects/tool-loop';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { scriptedModel } from '../testing/scripted-model';
import { journalLedger } from './journal-ledger';

/** A price for the test models given a window of their own (which drops the default price): free, so their calls are priced — at $0 — and no `model.unknown_price` is warned. */
const free = { inputPerMillion: 0, outputPerMillion: 0 };

/** A one-call agent whose model has `contextWindow` tokens; its prompt is `prompt`. */
async function journaledLedger(contextWindow: number, prompt: string) {
  const model = scriptedModel({
    handler: () => ({ content: 'ok' }),
    metadata: { contextWindow, pricing: free },
  });
  const machine = setup({
    actors: {
      answer: toolLoop({
        model: 'chat',
        tools: [],
        prompt: () => [
          { role: 'system', content: 'You answer briefly.' },
          ...Array.from({ length: 40 }, (_, index) => ({
            role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
            content: `${prompt} ${index}`,
          })),
          { role: 'user', content: 'And now?' },
        ],
        maxOutputTokens: 64,
      }),
    },
  }).createMachine({
    id: 'ledger',
    initial: 'answering',
    states: {
      answering: { invoke: { src: 'answer', onDone: 'done' } },
      done: { type: 'final' },
    },
  });
  const agent = createAgent({
    machine,
    models: { chat: model },
    checkpointer: new MemoryCheckpointer(),
  });
  expect((await agent.run({ threadId: 't', input: undefined })).status).toBe('done');
  const call = (await agent.journal('t')).find((entry) => entry.kind === 'llm')!;
  return (call.meta as { ledger: Partial<BudgetLedger> }).ledger;
}

describe('the token ledger a model call journals', () => {
  it('leaves out the figures from before budgeting when budgeting changed nothing', async () => {
    const ledger = await journaledLedger(128_000, 'a short turn');
    expect(ledger.sections?.history).toBeGreaterThan(0);
    expect(ledger).not.toHaveProperty('sectionsBefore');
    expect(ledger).not.toHaveProperty('inputTokensBefore');
    expect(ledger).not.toHaveProperty('tokenTaxBefore');
    expect(ledger).not.toHaveProperty('trimmed');
    expect(ledger.inputTokens).toBeGreaterThan(0);
  });

  it('keeps them, and what was trimmed, when the history had to be cut to fit', async () => {
    const ledger = await journaledLedger(1_200, 'a long turn '.repeat(20));
    expect(ledger.trimmed?.length).toBeGreaterThan(0);
    expect(ledger.sectionsBefore!.history).toBeGreaterThan(ledger.sections!.history);
    expect(ledger.inputTokensBefore).toBeGreaterThan(ledger.inputTokens!);
    expect(ledger.tokenTaxBefore).toBeGreaterThan(ledger.tokenTax!);
  });

  it('leaves each figure out on its own', () => {
    const sections = {
      system: 5,
      tools: 0,
      memory: 0,
      documents: 0,
      history: 10,
      input: 3,
      output: 64,
    };
    const full: BudgetLedger = {
      model: 'm',
      encoding: 'estimate',
      exact: false,
      contextWindow: 1_000,
      capacity: 950,
      sections,
      sectionsBefore: { ...sections },
      framingTokens: 3,
      inputTokens: 21,
      inputTokensBefore: 21,
      reservedOutputTokens: 64,
      freeTokens: 865,
      trimmed: [],
      tokenTax: 0.018,
      tokenTaxBefore: 0.018,
      fixedTax: 0.008,
    };
    expect(Object.keys(journalLedger(full))).not.toContain('sectionsBefore');
    const cut = journalLedger({ ...full, sectionsBefore: { ...sections, history: 40 } });
    expect(cut.sectionsBefore?.history).toBe(40);
    expect(cut).not.toHaveProperty('inputTokensBefore');
  });
});
