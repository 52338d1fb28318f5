import { type ChatModel, createAgent, MemoryCheckpointer, type RunHandle } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { MemorySaver } from '@langchain/langgraph';
import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { FakeChatModel } from '../test/fixtures/fake-chat-model';
import * as step1 from './step-1-graph-as-actor';
import * as step2 from './step-2-classify-in-chart';
import * as step3 from './step-3-all-in-chart';

const refund = 'We have refunded the second charge.';

/** One answer for both worlds: the LangGraph nodes' chat model and the chart's own model. */
function answer(prompt: string): { category?: string; reply?: string } {
  if (prompt.startsWith('Classify')) {
    if (prompt.includes('charged')) return { category: 'billing' };
    if (prompt.includes('crash')) return { category: 'bug' };
    return { category: 'other' };
  }
  return { reply: refund };
}

/** The graph's LangChain model answers in plain text, as the LangGraph app expects. */
const langChainModel = () =>
  new FakeChatModel((prompt) => {
    const { category, reply } = answer(prompt);
    return category ?? reply ?? '';
  });

/** The chart's model answers structured calls with JSON. */
const chartModel = (): ChatModel =>
  scriptedModel({
    handler: (request) => ({ json: answer(request.messages.at(-1)?.content ?? '') }),
  });

const steps: [string, () => AnyStateMachine][] = [
  ['step 1: the graph as one actor', () => step1.supportDesk(langChainModel(), new MemorySaver())],
  [
    'step 2: classify and route in the chart',
    () => step2.supportDesk(langChainModel(), new MemorySaver()),
  ],
  ['step 3: no LangGraph left', () => step3.supportDesk],
];

describe('migrating the support desk from LangGraph one node at a time', () => {
  for (const [name, machine] of steps) {
    describe(name, () => {
      it('drafts a reply to a billing ticket', async () => {
        const agent = createAgent({ machine: machine(), models: { fast: chartModel() } });
        const outcome = await agent.run({ input: { ticket: 'I was charged twice in May.' } });
        expect(outcome).toMatchObject({
          status: 'done',
          output: { category: 'billing', reply: refund },
        });
      });

      it('asks a person to answer a ticket it cannot classify, durably', async () => {
        const checkpointer = new MemoryCheckpointer();
        const agent = createAgent({
          machine: machine(),
          models: { fast: chartModel() },
          checkpointer,
        });
        const handle: RunHandle<AnyStateMachine> = agent.start({
          threadId: 'gift',
          input: { ticket: 'Do you sell gift cards?' },
        });
        expect((await handle.result()).status).toBe('waiting');
        expect(handle.waits().map((wait) => wait.prompt)).toEqual([
          'Write a reply to: Do you sell gift cards?',
        ]);
        const replied = await agent.send('gift', {
          type: 'human.reply',
          value: 'Yes, on our website.',
        });
        expect(await replied.result()).toMatchObject({
          status: 'done',
          output: { category: 'other', reply: 'Yes, on our website.' },
        });
      });
    });
  }
});
