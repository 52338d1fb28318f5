/**
 * Issue 9 — one model-call pipeline, composable: your middleware sees every call the run
 * really makes, budgeted, inside the journal and the limits; it can refuse one, and the
 * refusal reaches the chart as the call's error.
 */

import {
  type ChatRequest,
  createAgent,
  MemoryCheckpointer,
  type ModelCallMiddleware,
  RunError,
  structuredCall,
} from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';

const machine = setup({
  types: { context: {} as { error?: string } },
  actors: {
    ask: structuredCall({
      model: 'fast',
      schema: z.object({ answer: z.string() }),
      prompt: (question: string) => question,
      maxOutputTokens: 50,
    }),
  },
}).createMachine({
  id: 'ask',
  context: {},
  initial: 'asking',
  states: {
    asking: {
      invoke: {
        src: 'ask',
        input: 'What is the refund policy?',
        onDone: 'done',
        onError: {
          target: 'done',
          actions: assign({ error: ({ event }) => (event.error as RunError).code }),
        },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => context.error ?? 'answered',
});

describe('model-call middleware (issue 9)', () => {
  it('sees each call once, after the budget and before the model, and not again on resume', async () => {
    const seen: { callId: string; request: ChatRequest }[] = [];
    const observe: ModelCallMiddleware = {
      name: 'observe',
      async call(call, next) {
        seen.push({ callId: call.callId, request: call.request });
        return next(call);
      },
    };
    const checkpointer = new MemoryCheckpointer();
    const model = scriptedModel({ handler: () => ({ json: { answer: '30 days' } }) });
    const agent = createAgent({
      machine,
      models: { fast: model },
      checkpointer,
      middleware: [observe],
    });
    expect(await agent.run({ threadId: 't', input: undefined })).toMatchObject({
      status: 'done',
      output: 'answered',
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.callId).toMatch(/llm$/);
    expect(seen[0]?.request).toBe(model.requests[0]);
    // A replay answers from the journal: the middleware is not consulted again.
    await agent.replay('t');
    expect(seen).toHaveLength(1);
  });

  it('refuses a call with a typed error the chart routes, and nothing is sent', async () => {
    const guard: ModelCallMiddleware = {
      name: 'no-refund-talk',
      async call(call, next) {
        const text = call.request.messages.map((message) => message.content).join('\n');
        if (text.includes('refund')) {
          throw new RunError('tool.failed', { message: 'Refund questions go to a person.' });
        }
        return next(call);
      },
    };
    const model = scriptedModel({ handler: () => ({ json: { answer: 'x' } }) });
    const agent = createAgent({ machine, models: { fast: model }, middleware: [guard] });
    expect(await agent.run({ input: undefined })).toMatchObject({
      status: 'done',
      output: 'tool.failed',
    });
    expect(model.requests).toHaveLength(0);
  });
});
