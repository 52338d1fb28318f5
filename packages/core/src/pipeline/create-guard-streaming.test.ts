import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { toolLoop } from '../effects/tool-loop';
import type { RunEvent } from '../events/types';
import { ModelCallError } from '../model/model-call-error';
import type { ChatModel } from '../model/types';
import { createReliabilityPolicy } from '../reliability/create-reliability-policy';
import { effectMachine } from '../testing/run-effect';
import { defineTool } from '../tools/define-tool';
import { createGuard } from './create-guard';

const usage = { inputTokens: 5, outputTokens: 5 };

/**
 * A model that streams its answer word by word; with `cutFirst`, its first attempt streams
 * two words and then fails as a cut stream does, so the policy retries.
 */
function streamingModel(answer: string, { cutFirst = false } = {}): ChatModel {
  let calls = 0;
  return {
    modelName: 'streaming',
    endpoint: 'test:streaming',
    metadata: { contextWindow: 128_000 },
    async generate(_request, { onToken }) {
      const words = answer.split(/(?<= )/);
      if (cutFirst && calls++ === 0) {
        for (const word of words.slice(0, 2)) onToken?.(word);
        throw new ModelCallError({
          kind: 'connection',
          endpoint: 'test:streaming',
          message: 'the stream was cut',
        });
      }
      for (const word of words) onToken?.(word);
      return { content: answer, toolCalls: [], finishReason: 'stop', usage };
    },
  };
}

function guardedChat(model: ChatModel, guard: ReturnType<typeof createGuard>) {
  const agent = createAgent({
    machine: effectMachine(toolLoop({ model: 'chat', tools: [], prompt: (q: string) => q }), 'q'),
    models: { chat: model },
    middleware: [guard],
    modelPolicy: createReliabilityPolicy({ baseDelayMs: 1, random: () => 0 }),
  });
  const events: RunEvent[] = [];
  agent.events.onAny((event) => events.push(event));
  const tokens = () =>
    events.flatMap((event) => (event.type === 'llm.token' ? [[event.delta, event.attempt]] : []));
  return { agent, events, tokens };
}

const noCards = createGuard({
  name: 'no-cards',
  output: (response) =>
    /\d{4} \d{4} \d{4} \d{4}/.test(response.content) ? { block: 'a card number' } : undefined,
});

describe('createGuard with streamed answers', () => {
  it('emits no delta of an answer its output check blocks', async () => {
    const { agent, events, tokens } = guardedChat(
      streamingModel('Your card is 4111 1111 1111 1111'),
      noCards,
    );
    await agent.run({ input: undefined });

    expect(events.some((event) => event.type === 'guard.block')).toBe(true);
    expect(tokens()).toEqual([]);
  });

  it("streams a tool loop's turn that calls tools unchecked, as an unguarded one, once it is whole", async () => {
    let turn = 0;
    const model: ChatModel = {
      modelName: 'streaming',
      endpoint: 'test:streaming',
      metadata: { contextWindow: 128_000, pricing: { inputPerMillion: 0, outputPerMillion: 0 } },
      async generate(_request, { onToken }) {
        if (turn++ === 0) {
          onToken?.('Checking. ');
          const call = { id: 'c1', name: 'clock', arguments: '{}' };
          return { content: 'Checking. ', toolCalls: [call], finishReason: 'tool_calls', usage };
        }
        onToken?.('Noon.');
        return { content: 'Noon.', toolCalls: [], finishReason: 'stop', usage };
      },
    };
    const clock = defineTool({
      name: 'clock',
      description: 'The time.',
      input: z.object({}),
      output: z.string(),
      effect: 'pure',
      execute: async () => '12:00',
    });
    const checked: string[] = [];
    const agent = createAgent({
      machine: effectMachine(
        toolLoop({ model: 'chat', tools: [clock], prompt: (q: string) => q }),
        'q',
      ),
      models: { chat: model },
      middleware: [
        createGuard({
          name: 'final-only',
          output: (response) => void checked.push(response.content),
        }),
      ],
    });
    const tokens: string[] = [];
    agent.events.on('llm.token', (event) => tokens.push(event.delta));
    expect((await agent.run({ input: undefined })).status).toBe('done');
    expect(checked).toEqual(['Noon.']);
    expect(tokens).toEqual(['Checking. ', 'Noon.']);
  });

  it('emits the deltas of an answer it passes, once checked, of the attempt that answered', async () => {
    const { agent, events, tokens } = guardedChat(
      streamingModel('All is well here', { cutFirst: true }),
      noCards,
    );
    const outcome = await agent.run({ input: undefined });

    expect(outcome).toMatchObject({
      status: 'done',
      output: { result: { content: 'All is well here' } },
    });
    // The cut attempt's words are not the answer the guard passed: only the retry's go out.
    expect(tokens()).toEqual([
      ['All ', 2],
      ['is ', 2],
      ['well ', 2],
      ['here', 2],
    ]);
    const types = events.map((event) => event.type);
    expect(types.indexOf('llm.call.retry')).toBeLessThan(types.indexOf('llm.token'));
    expect(types.lastIndexOf('llm.token')).toBeLessThan(types.indexOf('llm.call.end'));
  });

  it('emits the text of the answer it puts in place of the one streamed', async () => {
    const masking = createGuard({
      name: 'mask',
      output: (response) => ({
        replace: { ...response, content: response.content.replace('swordfish', '[hidden]') },
      }),
    });
    const { agent, tokens } = guardedChat(streamingModel('The password is swordfish'), masking);
    await agent.run({ input: undefined });

    expect(tokens()).toEqual([['The password is [hidden]', 1]]);
  });

  it('streams as it comes when it checks requests only', async () => {
    const inputOnly = createGuard({ name: 'input-only', input: () => undefined });
    const { agent, events, tokens } = guardedChat(streamingModel('Hello there'), inputOnly);
    await agent.run({ input: undefined });

    expect(tokens()).toEqual([
      ['Hello ', 1],
      ['there', 1],
    ]);
    const types = events.map((event) => event.type);
    expect(types.indexOf('llm.token')).toBeGreaterThan(types.indexOf('llm.call.start'));
  });
});
