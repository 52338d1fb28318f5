/**
 * Options given as `undefined`, as code compiled with `exactOptionalPropertyTypes: true`
 * writes them (`{ threadId: process.env.THREAD_ID }`): every option a user passes allows it.
 * Checked by `scripts/typecheck-exact-optional.ts` under that setting (part of
 * `./run typecheck`); without it, `undefined` fits any optional property and this file
 * proves nothing.
 */
import { expectTypeOf, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { buildContext, capToolOutput } from './budget/index';
import { createResponseCache, SqliteResponseCacheStore } from './cache/index';
import { cascadeCall, runCascade } from './cascade/index';
import { createTenantQuota } from './cost/index';
import {
  type CachedCallOptions,
  createAgent,
  defineTool,
  humanWait,
  MemoryCheckpointer,
  type RunLimits,
  SqliteCheckpointer,
  structuredCall,
  type Tool,
  toolCall,
  toolLoop,
} from './index';
import { createReliabilityPolicy } from './reliability/index';
import { createGuard, createRedactor } from './security/index';
import { scriptedModel, testAgentPaths } from './testing/index';

const machine = setup({}).createMachine({ id: 'm', initial: 'a', states: { a: {} } });
const maybe = process.env.AGENTCHART_TYPE_TEST;

it('takes undefined for the options of createAgent, its limits and budget', () => {
  const limits: RunLimits = {
    maxSteps: undefined,
    maxModelCalls: undefined,
    maxTokens: undefined,
    maxCostUsd: undefined,
    maxWallTimeMs: undefined,
    wrapUp: { maxSteps: undefined, maxModelCalls: undefined, maxWallTimeMs: undefined },
  };
  createAgent({
    machine,
    input: undefined,
    models: undefined,
    modelPolicy: undefined,
    middleware: undefined,
    checkpointer: maybe ? new MemoryCheckpointer() : undefined,
    limits,
    name: maybe,
    clock: undefined,
    leaseTtlMs: undefined,
    evictWaiting: undefined,
    wakeWaiting: undefined,
    freezeContext: undefined,
    summariserModel: undefined,
    fenceUntrusted: undefined,
    redact: { secrets: undefined, patterns: undefined, environment: undefined },
    budget: {
      strategies: undefined,
      reserveOutputTokens: undefined,
      sections: { history: undefined, memory: { priority: undefined } },
    },
  });
});

it('takes undefined for the options of start, run, send, resume, fork and close', async () => {
  const agent = createAgent({ machine });
  const handle = await agent.start({
    threadId: maybe,
    tenantId: undefined,
    force: undefined,
    signal: undefined,
    input: {},
  });
  await agent.run({ threadId: maybe, tenantId: maybe, signal: undefined, input: {} });
  await agent.send(handle.threadId, { type: 'go' }, { tenantId: maybe, signal: undefined });
  await agent.resume(handle.threadId, { force: undefined, tenantId: maybe, signal: undefined });
  await agent.fork({ from: handle.threadId, threadId: maybe, version: undefined });
  await agent.close({ timeoutMs: undefined });
});

it('takes undefined for the options of tools and effects', () => {
  const tool = defineTool({
    name: 'lookup',
    description: 'Looks a word up.',
    input: z.object({ word: z.string() }),
    output: z.object({ meaning: z.string() }),
    effect: 'pure',
    approval: undefined,
    trustedOutput: undefined,
    timeoutMs: undefined,
    secrets: undefined,
    execute: async () => ({ meaning: 'a word' }),
    // An optional method is an option too: left out by undefined.
    reconcile: undefined,
  });
  // What the tool holds is defaulted: the options' `| undefined` is not in it.
  expectTypeOf<Tool['timeoutMs']>().toEqualTypeOf<number>();
  expectTypeOf<Tool['approval']>().toEqualTypeOf<'always' | 'when-untrusted' | 'never'>();
  toolCall(tool, { approval: undefined });
  toolLoop({
    model: 'fast',
    tools: [tool],
    prompt: (question: string) => question,
    system: undefined,
    temperature: undefined,
    maxSteps: undefined,
    maxOutputTokens: undefined,
    allowedTools: undefined,
    untrustedInput: undefined,
    modelCall: { budget: { strategies: undefined }, cache: undefined },
    approvals: { untrustedContext: undefined, timeoutMs: undefined },
  });
  structuredCall({
    model: 'fast',
    schema: z.object({ urgent: z.boolean() }),
    prompt: (ticket: string) => ticket,
    schemaName: undefined,
    system: undefined,
    temperature: undefined,
    maxReasks: undefined,
    modelCall: undefined,
  });
  humanWait({ prompt: () => 'Approve?', reply: z.boolean(), timeoutMs: undefined });
  cascadeCall({
    models: ['fast', 'strong'],
    schema: z.object({ answer: z.string() }),
    prompt: (question: string) => question,
    system: undefined,
    temperature: undefined,
    escalateWhen: undefined,
  });
  const notCalled = () => Promise.reject(new Error('not called'));
  runCascade<number>({
    models: ['fast'],
    call: notCalled,
    parse: () => {
      throw new Error('not called');
    },
    escalateWhen: undefined,
  });
  const cached: CachedCallOptions = {
    model: 'fast',
    request: { messages: [] },
    execute: notCalled,
    usable: undefined,
  };
  expectTypeOf(cached).toExtend<CachedCallOptions>();
});

it('takes undefined for the options of stores, policies, caches and guards', () => {
  new SqliteCheckpointer({
    path: maybe,
    synchronous: undefined,
    busyTimeoutMs: undefined,
    verify: undefined,
    cachedThreads: undefined,
    readOnly: undefined,
    runLog: undefined,
  });
  new MemoryCheckpointer({ retainCheckpoints: undefined });
  createReliabilityPolicy({
    maxAttempts: undefined,
    baseDelayMs: undefined,
    deadlineMs: undefined,
    attemptTimeoutMs: undefined,
    breaker: { failureRateThreshold: undefined, cooldownMs: undefined },
    retryBudget: { ratio: undefined },
    rateLimit: undefined,
    clock: undefined,
  });
  createResponseCache({ ttlMs: undefined, maxEntries: undefined, store: undefined });
  new SqliteResponseCacheStore({ path: ':memory:', maxEntries: undefined, clock: undefined });
  createTenantQuota({
    limits: { requestsPerMinute: 60, tokensPerDay: undefined },
    store: undefined,
    clock: undefined,
  });
  createRedactor({ secrets: undefined, modelSecrets: undefined, env: undefined });
  createGuard({ name: 'no-ids', input: undefined, output: undefined, toolCallTurns: undefined });
  capToolOutput('text', { maxTokens: 100, counter: undefined, keep: undefined, tool: maybe });
  buildContext({ input: 'question', system: undefined, memory: undefined, history: undefined });
});

it('takes undefined for the options of the test doubles', async () => {
  scriptedModel({
    responses: [{ content: 'hi', usage: { inputTokens: undefined }, latencyMs: undefined }],
    modelName: maybe,
    latencyMs: undefined,
    metadata: undefined,
    clock: undefined,
  });
  await testAgentPaths({ machine, input: {}, maxPaths: undefined, traversal: undefined });
});
