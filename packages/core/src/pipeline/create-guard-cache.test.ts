import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { createResponseCache } from '../cache/create-response-cache';
import { structuredCall } from '../effects/structured-call';
import { effectMachine } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';
import { createGuard } from './create-guard';

// What docs/security.md#guards says of guards and the response cache below them.
const ask = structuredCall({
  model: 'fast',
  schema: z.object({ answer: z.string() }),
  prompt: (question: string) => question,
});
const noEmails = createGuard({
  name: 'no-emails',
  input: (request) => ({
    replace: {
      ...request,
      messages: request.messages.map((message) => ({
        ...message,
        content: message.content.replace(/\S+@\S+/g, '<email>'),
      })),
    },
  }),
});
const noKeys = createGuard({
  name: 'no-keys',
  output: (response) => (response.content.includes('sk-') ? { block: 'a key' } : undefined),
});

function agentFor(
  question: string,
  model: ReturnType<typeof scriptedModel>,
  cache = createResponseCache(),
) {
  return createAgent({
    machine: effectMachine(ask, question),
    models: { fast: model },
    middleware: [noEmails, noKeys],
    cache,
  });
}

describe('guards above the response cache', () => {
  it('keys a replaced request as replaced, and journals it as the effect made it', async () => {
    const model = scriptedModel({ handler: () => ({ json: { answer: 'ok' } }) });
    const cache = createResponseCache();
    const first = agentFor('mail ann@a.example', model, cache);
    await first.run({ threadId: 'a', input: undefined });
    const second = await agentFor('mail bob@b.example', model, cache).run({
      threadId: 'b',
      input: undefined,
    });
    expect(model.requests.map((request) => request.messages.at(-1)?.content)).toEqual([
      'mail <email>',
    ]);
    expect(second).toMatchObject({
      output: { result: { answer: 'ok' } },
      usage: { modelCalls: 0 },
    });
    const [entry] = await first.journal('a');
    expect(JSON.stringify(entry?.meta?.request)).toContain('ann@a.example');
  });

  it('keeps no answer an output guard blocked, for this agent or another sharing the cache', async () => {
    const model = scriptedModel({ handler: () => ({ json: { answer: 'sk-canary-key' } }) });
    const cache = createResponseCache();
    const blocked = await agentFor('the key?', model, cache).run({
      threadId: 'a',
      input: undefined,
    });
    expect(blocked).toMatchObject({ output: { error: { code: 'guard.blocked' } } });
    // Before: the blocked answer stayed stored, and an agent on the same cache without the
    // guard was served the key for $0.
    const unguarded = createAgent({
      machine: effectMachine(ask, 'the key?'),
      models: { fast: model },
      middleware: [noEmails],
      cache,
    });
    const served = await unguarded.run({ threadId: 'b', input: undefined });
    expect(served).toMatchObject({ usage: { modelCalls: 1 } });
    expect(model.requests).toHaveLength(2);
  });
});
