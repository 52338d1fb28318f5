/**
 * An option given as `undefined` is the option left out: defaults apply, and no "is not an
 * option" or "takes an options object" error. Code compiled with `exactOptionalPropertyTypes`
 * writes options so (`{ threadId: process.env.THREAD_ID }`), and the types allow it (see
 * `options.exact.test-d.ts`); these runs check the code agrees, for a representative set.
 */
import {
  createAgent,
  defineTool,
  humanWait,
  ModelCallError,
  SqliteCheckpointer,
  structuredCall,
  toolLoop,
} from '@agentchart/core';
import { createReliabilityPolicy } from '@agentchart/core/reliability';
import { manualClock, scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { type AnyActorLogic, assign, setup } from 'xstate';
import { z } from 'zod';

const noted = defineTool({
  name: 'note',
  description: 'Notes a word.',
  input: z.object({ word: z.string() }),
  output: z.object({ noted: z.boolean() }),
  effect: 'unsafe',
  approval: undefined,
  trustedOutput: undefined,
  timeoutMs: undefined,
  secrets: undefined,
  reconcile: undefined,
  execute: async () => ({ noted: true }),
});

/** A chart that runs `effect` once and ends with what it gave. */
function once(effect: AnyActorLogic) {
  return setup({
    types: { context: {} as { result?: unknown } },
    actors: { effect },
  }).createMachine({
    id: 'once',
    context: {},
    initial: 'running',
    states: {
      running: {
        invoke: {
          src: 'effect',
          input: () => 'Note "hello".',
          onDone: { target: 'done', actions: assign({ result: ({ event }) => event.output }) },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context.result,
  });
}

const approval = humanWait({ prompt: () => 'Ship it?', reply: z.boolean(), timeoutMs: undefined });
const waiting = setup({ actors: { approval } }).createMachine({
  id: 'waiting',
  initial: 'asking',
  states: {
    asking: { invoke: { src: 'approval', onDone: 'done' } },
    done: { type: 'final' },
  },
});

describe('an option given as undefined', () => {
  it('is left out in defineTool: the defaults are the tool’s', () => {
    expect(noted).toMatchObject({
      approval: 'when-untrusted',
      trustedOutput: false,
      timeoutMs: 30_000,
      secrets: [],
    });
  });

  it('is left out in createAgent, start, run, send and resume', async () => {
    const checkpointer = new SqliteCheckpointer({
      path: ':memory:',
      synchronous: undefined,
      busyTimeoutMs: undefined,
      verify: undefined,
      cachedThreads: undefined,
      readOnly: undefined,
      runLog: undefined,
    });
    const options = {
      machine: waiting,
      checkpointer,
      models: undefined,
      modelPolicy: undefined,
      middleware: undefined,
      leaseTtlMs: undefined,
      maxJournalValueBytes: undefined,
      inspect: undefined,
      migrate: undefined,
      evictWaiting: undefined,
      freezeContext: undefined,
      limits: { maxSteps: undefined, wrapUp: undefined },
      name: undefined,
      clock: undefined,
      generateId: undefined,
      tokenCounter: undefined,
      budget: { strategies: undefined, sections: { history: undefined } },
      summariserModel: undefined,
      prices: undefined,
      cache: undefined,
      costLedger: undefined,
      quota: undefined,
      redact: { secrets: undefined, patterns: undefined },
      fenceUntrusted: undefined,
    };
    const agent = createAgent(options);
    expect(agent.name).toBe('waiting');
    const first = await agent.run({
      input: undefined,
      threadId: undefined,
      tenantId: undefined,
      force: undefined,
      signal: undefined,
    });
    expect(first.status).toBe('waiting');
    expect(first.threadId).toMatch(/./);
    const handle = await agent.send(
      first.threadId,
      { type: 'human.reply', value: true, waitId: undefined },
      { tenantId: undefined, signal: undefined },
    );
    expect(await handle.result()).toMatchObject({ status: 'done' });

    const handle2 = agent.start({ input: undefined, threadId: 'second', tenantId: undefined });
    expect(await handle2.result()).toMatchObject({ status: 'waiting' });
    await agent.close({ timeoutMs: undefined });
    const again = createAgent(options);
    const resumed = await again.resume('second', {
      force: undefined,
      tenantId: undefined,
      signal: undefined,
    });
    resumed.reply(true);
    expect(await resumed.result()).toMatchObject({ status: 'done' });
    expect((await checkpointer.listRuns({ threadId: undefined, limit: undefined })).length).toBe(2);
    await again.close();
    checkpointer.close();
  });

  it('is left out in toolLoop and structuredCall', async () => {
    const loop = toolLoop({
      model: 'fast',
      tools: [noted],
      prompt: (task: string) => task,
      system: undefined,
      temperature: undefined,
      maxOutputTokens: undefined,
      maxSteps: undefined,
      maxInvalidCalls: undefined,
      maxRepeats: undefined,
      maxToolOutputTokens: undefined,
      maxToolCallsPerAnswer: undefined,
      modelCall: { budget: undefined, cache: undefined },
      onToolError: undefined,
      allowedTools: undefined,
      untrustedInput: undefined,
      approvals: undefined,
    });
    const model = scriptedModel({
      responses: [{ toolCalls: [{ name: 'note', arguments: { word: 'hello' } }] }, 'Noted.'],
    });
    const looped = await createAgent({ machine: once(loop), models: { fast: model } }).run({
      input: undefined,
    });
    expect(looped).toMatchObject({ status: 'done', output: { content: 'Noted.' } });
    // No temperature or output cap was sent for the options given as undefined.
    expect(model.requests[0]).not.toHaveProperty('temperature');

    const triage = structuredCall({
      model: 'fast',
      schema: z.object({ urgent: z.boolean() }),
      prompt: (ticket: string) => ticket,
      schemaName: undefined,
      system: undefined,
      temperature: undefined,
      maxOutputTokens: undefined,
      maxReasks: undefined,
      modelCall: undefined,
    });
    const answers = scriptedModel({ responses: ['not json', { json: { urgent: true } }] });
    const triaged = await createAgent({ machine: once(triage), models: { fast: answers } }).run({
      input: undefined,
    });
    // The default of one re-ask applies.
    expect(triaged).toMatchObject({ status: 'done', output: { urgent: true } });
  });

  it('is left out in createReliabilityPolicy: three attempts by default', async () => {
    const unavailable = () =>
      new ModelCallError({
        kind: 'server_error',
        endpoint: 'scripted:scripted',
        status: 503,
        message: 'unavailable',
      });
    const clock = manualClock(0);
    const modelPolicy = createReliabilityPolicy({
      clock,
      maxAttempts: undefined,
      baseDelayMs: undefined,
      maxDelayMs: undefined,
      maxRetryAfterMs: undefined,
      deadlineMs: undefined,
      attemptTimeoutMs: undefined,
      breaker: {
        failureRateThreshold: undefined,
        minimumRequests: undefined,
        windowMs: undefined,
        cooldownMs: undefined,
      },
      rateLimit: { requestsPerMinute: 600, tokensPerMinute: undefined, maxWaitMs: undefined },
      rateLimitByEndpoint: undefined,
      retryBudget: { ratio: undefined, minRetries: undefined, windowMs: undefined },
      random: undefined,
    });
    const model = scriptedModel({
      responses: [{ error: unavailable() }, { error: unavailable() }, { json: { urgent: false } }],
    });
    const triage = structuredCall({
      model: 'fast',
      schema: z.object({ urgent: z.boolean() }),
      prompt: (ticket: string) => ticket,
    });
    const handle = createAgent({
      machine: once(triage),
      models: { fast: model },
      modelPolicy,
      clock,
    }).start({ input: undefined });
    await clock.advance(60_000);
    expect(await handle.result()).toMatchObject({ status: 'done', output: { urgent: false } });
    expect(model.requests).toHaveLength(3);
  });
});
