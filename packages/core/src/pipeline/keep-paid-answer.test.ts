import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { structuredCall } from '../effects/structured-call';
import type { RunEvent } from '../events/types';
import type { RecordedModelCall } from '../ledger/recorded-model-call';
import { effectMachine } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';
import type { ModelCallMiddleware } from './types';

const ask = structuredCall({
  model: 'fast',
  schema: z.object({ answer: z.string() }),
  prompt: (question: string) => question,
});

function agentWith(middleware: ModelCallMiddleware) {
  const model = scriptedModel({ handler: () => ({ json: { answer: 'the key is sk-canary' } }) });
  const agent = createAgent({
    machine: effectMachine(ask, 'what is the key?'),
    models: { fast: model },
    middleware: [middleware],
  });
  // The chart keeps the error it routed, an Error when the middleware threw one.
  const warnings: RunEvent<'agent.warning'>[] = [];
  agent.events.on('agent.warning', (event) => warnings.push(event));
  const blocks: RunEvent<'guard.block'>[] = [];
  agent.events.on('guard.block', (event) => blocks.push(event));
  return { agent, model, warnings, blocks };
}

describe('a middleware that throws', () => {
  it('after the answer came back blocks the answer, which is counted and journaled as paid for', async () => {
    // What an output check written as a throw looks like (the ModelCallMiddleware TSDoc once
    // showed one): the call was paid for, but the run counted no call and no cost.
    const { agent, model, blocks } = agentWith({
      name: 'no-keys',
      async call(call, next) {
        const outcome = await next(call);
        if (outcome.response.content.includes('sk-')) throw new Error('the answer leaks a key');
        return outcome;
      },
    });
    const outcome = await agent.run({ threadId: 't', input: undefined });
    expect(model.requests).toHaveLength(1);
    expect(outcome).toMatchObject({
      status: 'done',
      output: {
        error: {
          code: 'guard.blocked',
          details: { guard: 'no-keys', stage: 'output', checkFailed: true },
        },
      },
      usage: { modelCalls: 1 },
    });
    expect(outcome.usage.costUsd).toBeGreaterThan(0);
    const [entry] = await agent.journal('t');
    expect(entry).toMatchObject({ kind: 'llm', status: 'completed' });
    expect((entry!.output as RecordedModelCall).blocked).toEqual({
      guard: 'no-keys',
      reason: 'the middleware threw after the answer came back (the answer leaks a key)',
      checkFailed: true,
    });
    expect(blocks).toMatchObject([{ guard: 'no-keys', stage: 'output', callId: entry!.key }]);
  });

  it('before any answer came back fails the call with its own error, nothing paid', async () => {
    const refusal = new Error('refused before sending');
    const { agent, model, warnings, blocks } = agentWith({
      name: 'refuse',
      call() {
        throw refusal;
      },
    });
    const outcome = await agent.run({ threadId: 't', input: undefined });
    expect(model.requests).toHaveLength(0);
    expect(outcome).toMatchObject({
      status: 'done',
      output: { error: refusal },
      usage: { modelCalls: 0, costUsd: 0 },
    });
    expect(warnings.map((warning) => warning.code)).toEqual(['context.not_json']);
    expect(blocks).toEqual([]);
  });
});
