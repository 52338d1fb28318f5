/**
 * Issue 9 — options TypeScript would refuse, given where it does not look (plain JavaScript,
 * options read from JSON), fail at definition time with a clear message. A user trying the
 * framework found them accepted or failing deep inside: `limits: { maxStep: 5 }` and
 * `evictWaiting: 'yes'` ignored without a word, `models: { fast: 'gpt-4o' }` failing with
 * "Invalid value used in weak set", `createAgent({})` and `checkpointer: 'sqlite'` with
 * TypeErrors, a tool with `effect: 'dangerous'` or no `execute` accepted, and a tool whose
 * input is `z.string()` offered to a model that can only call tools with an object.
 */
import {
  agentActor,
  createAgent,
  DefinitionError,
  definePrompt,
  defineTool,
  humanWait,
  SqliteCheckpointer,
  structuredCall,
  toolCall,
  toolLoop,
} from '@agentchart/core';
import { createReliabilityPolicy } from '@agentchart/core/reliability';
import { scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';

const machine = setup({}).createMachine({
  id: 'plain',
  initial: 'done',
  states: { done: { type: 'final' } },
});

/** `make()` throws a DefinitionError `definition.invalid_option` whose message matches. */
function refused(make: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    make();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DefinitionError);
  expect(thrown).toMatchObject({ code: 'definition.invalid_option' });
  expect((thrown as Error).message).toMatch(message);
}

const options = (extra: Record<string, unknown>) => extra as never;

describe('createAgent option shapes (issue 9)', () => {
  it('names a missing or wrong machine', () => {
    refused(() => createAgent(undefined as never), /options must be an object/);
    refused(() => createAgent(options({})), /machine must be an XState machine/);
    refused(() => createAgent(options({ machine: { id: 'x' } })), /machine must be an XState/);
  });

  it('names a model given as a name, and a store that is not one', () => {
    refused(
      () => createAgent(options({ machine, models: { fast: 'gpt-4o' } })),
      /models\.fast must be a chat model.*A model name such as 'gpt-4o' is not a model/,
    );
    refused(() => createAgent(options({ machine, models: { fast: [] } })), /models\.fast/);
    refused(
      () => createAgent(options({ machine, checkpointer: 'sqlite' })),
      /checkpointer must be a store such as new SqliteCheckpointer/,
    );
    refused(
      () => createAgent(options({ machine, checkpointer: { latest() {} } })),
      /checkpointer must be a store.*it has no get, list, save/,
    );
  });

  it('refuses a fallback chain that lists one model twice', () => {
    // Before: accepted, and a call whose model failed retried it, then fell back to it and
    // retried it again: twice the requests to an endpoint that was down.
    const model = scriptedModel({ responses: ['a'] });
    refused(
      () => createAgent(options({ machine, models: { fast: [model, model] } })),
      /models\.fast lists the model scripted \(scripted:scripted\) twice.*List each model once/,
    );
    const backup = scriptedModel({ responses: ['b'], modelName: 'backup' });
    expect(() =>
      createAgent(options({ machine, models: { fast: [model, backup] } })),
    ).not.toThrow();
  });

  it('refuses a misspelt option or limit instead of ignoring it, naming the one meant', () => {
    refused(
      () => createAgent(options({ machine, limits: { maxStep: 5 } })),
      /limits\.maxStep is not an option; did you mean limits\.maxSteps\?/,
    );
    refused(
      () => createAgent(options({ machine, limits: { wrapUp: { maxCalls: 1 } } })),
      /limits\.wrapUp\.maxCalls is not an option/,
    );
    refused(() => createAgent(options({ machine, limits: 5 })), /limits must be an object/);
    refused(
      () => createAgent(options({ machine, checkpointr: {} })),
      /checkpointr is not an option; did you mean checkpointer\?/,
    );
  });

  it('refuses services and middleware that are not what the run will call', () => {
    // Each was taken, and failed the first run that reached it with a TypeError from inside.
    refused(
      () => createAgent(options({ machine, clock: {} })),
      /clock must be a clock such as manualClock\(\).*now, setTimeout, clearTimeout/,
    );
    refused(
      () => createAgent(options({ machine, modelPolicy: {} })),
      /modelPolicy must be a policy such as createReliabilityPolicy\(\)/,
    );
    refused(
      () => createAgent(options({ machine, cache: {} })),
      /cache must be a cache such as createResponseCache\(\)/,
    );
    refused(
      () => createAgent(options({ machine, costLedger: 42 })),
      /costLedger must be a cost ledger.*got the number 42/,
    );
    refused(
      () => createAgent(options({ machine, quota: {} })),
      /quota must be a quota such as createTenantQuota/,
    );
    refused(
      () => createAgent(options({ machine, middleware: [42] })),
      /middleware\[0\] must be model-call middleware/,
    );
    refused(
      () => createAgent(options({ machine, inspect: 42 })),
      /inspect must be an observer of XState inspection events/,
    );
    refused(
      () => createAgent(options({ machine, redact: { replacement: '***' } })),
      /redact\.replacement is the string "\*\*\*"\. Give a function/,
    );
  });

  it('refuses flags that are not booleans', () => {
    refused(
      () => createAgent(options({ machine, evictWaiting: 'yes' })),
      /evictWaiting must be true or false, got the string "yes"/,
    );
    refused(() => createAgent(options({ machine, freezeContext: 0 })), /freezeContext/);
  });

  it('still accepts every option a user writes correctly', () => {
    expect(() =>
      createAgent({
        machine,
        models: { fast: scriptedModel({ handler: () => ({ content: 'ok' }) }) },
        limits: { maxSteps: 5, wrapUp: { maxModelCalls: 1 } },
        evictWaiting: false,
        freezeContext: true,
        name: 'plain',
      }),
    ).not.toThrow();
  });
});

describe('tool and effect option shapes (issue 9)', () => {
  const valid = {
    name: 'lookup',
    description: 'Looks something up.',
    input: z.object({ query: z.string() }),
    output: z.object({ answer: z.string() }),
    effect: 'pure',
    execute: async () => ({ answer: 'a' }),
  };

  it('refuses a tool with an unknown effect, no execute, no name or no schemas', () => {
    refused(
      () => defineTool(options({ ...valid, effect: 'dangerous' })),
      /effect "dangerous". Use 'pure'.*'idempotent'.*'unsafe'/,
    );
    refused(() => defineTool(options({ ...valid, execute: undefined })), /no execute function/);
    refused(() => defineTool(options({ ...valid, name: undefined })), /Tool name/);
    refused(() => defineTool(options({ ...valid, description: undefined })), /description/);
    refused(
      () => defineTool(options({ ...valid, input: { type: 'object' } })),
      /zod schema as its input/,
    );
  });

  it('refuses in a tool loop a tool a model could never call: one whose input is not an object', () => {
    const echo = defineTool({ ...valid, effect: 'pure', input: z.string() });
    refused(
      () => toolLoop({ model: 'fast', tools: [echo], prompt: () => 'go' }),
      /tool "lookup" takes a string as its input, but a model calls a tool with a JSON object/,
    );
    const pick = defineTool({
      ...valid,
      effect: 'pure',
      input: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('a') }),
        z.object({ kind: z.literal('b') }),
      ]),
    });
    refused(
      () => toolLoop({ model: 'fast', tools: [pick], prompt: () => 'go' }),
      /takes a union \((anyOf|oneOf)\) at its top level as its input.*Wrap it in an object/,
    );
    refused(
      () => toolLoop({ model: 'fast', tools: [{ name: 'x' }] as never, prompt: () => 'go' }),
      /"x" in tools is not a tool made with defineTool/,
    );
    // Before: a tool that is not there (a missing import) was named `null`.
    refused(
      () =>
        toolLoop({
          model: 'fast',
          tools: [defineTool({ ...valid, effect: 'pure' }), undefined] as never,
          prompt: () => 'go',
        }),
      /tools\[1\] is nothing, not a tool made with defineTool/,
    );
  });

  it('refuses an onToolError or a temperature no provider takes', () => {
    const lookup = defineTool({ ...valid, effect: 'pure' });
    refused(
      () =>
        toolLoop(
          options({ model: 'fast', tools: [lookup], prompt: () => 'go', onToolError: 'ignore' }),
        ),
      /onToolError is "ignore". Use 'report'.*or 'fail'/,
    );
    refused(
      () => toolLoop({ model: 'fast', tools: [lookup], prompt: () => 'go', temperature: 7 }),
      /temperature.*from 0 to 2/,
    );
    refused(
      () =>
        structuredCall({
          model: 'fast',
          schema: z.object({}),
          prompt: () => 'go',
          temperature: -1,
        }),
      /temperature/,
    );
  });

  it('refuses a human wait without a prompt function or a reply schema', () => {
    refused(() => humanWait(options({ reply: z.boolean() })), /prompt must be a function/);
    refused(
      () => humanWait(options({ prompt: () => 'ok?', reply: { approved: 'boolean' } })),
      /reply must be a zod schema/,
    );
  });

  it('refuses a misspelt option of a tool, an effect or a store, naming the one meant', () => {
    refused(
      () => defineTool(options({ ...valid, timeout: 5 })),
      /defineTool: timeout is not an option; did you mean timeoutMs\?/,
    );
    refused(
      () => toolLoop(options({ model: 'fast', tools: [], prompt: () => 'go', maxStep: 3 })),
      /toolLoop: maxStep is not an option; did you mean maxSteps\?/,
    );
    refused(
      () =>
        structuredCall(
          options({ model: 'fast', schema: z.object({}), prompt: () => 'go', maxReask: 1 }),
        ),
      /maxReask is not an option; did you mean maxReasks\?/,
    );
    refused(
      () => humanWait(options({ prompt: () => 'ok?', reply: z.boolean(), timeout: 5 })),
      /humanWait: timeout is not an option; did you mean timeoutMs\?/,
    );
    refused(
      () => toolCall(defineTool({ ...valid, effect: 'pure' }), options({ aproval: 'always' })),
      /toolCall: aproval is not an option; did you mean approval\?/,
    );
    refused(
      () => agentActor(options({ machine, input: z.string(), outptu: z.string() })),
      /agentActor: outptu is not an option; did you mean output\?/,
    );
    refused(
      () => definePrompt(options({ id: 'p', version: 1, render: () => 'x', sytem: 'y' })),
      /definePrompt: sytem is not an option; did you mean system\?/,
    );
    refused(
      () => createReliabilityPolicy(options({ maxAttempt: 2 })),
      /createReliabilityPolicy: maxAttempt is not an option; did you mean maxAttempts\?/,
    );
    refused(
      () => createReliabilityPolicy(options({ breaker: { cooldown: 5 } })),
      /breaker\.cooldown is not an option; did you mean breaker\.cooldownMs\?/,
    );
    refused(
      () => createReliabilityPolicy(options({ retryBudget: { ration: 0.1 } })),
      /retryBudget\.ration is not an option; did you mean retryBudget\.ratio\?/,
    );
    refused(
      () => createReliabilityPolicy(options({ rateLimit: { requestPerMinute: 5 } })),
      /rateLimit\.requestPerMinute is not an option; did you mean rateLimit\.requestsPerMinute\?/,
    );
    refused(
      () => createAgent(options({ machine, budget: { keepLastTurn: 2 } })),
      /budget\.keepLastTurn is not an option; did you mean budget\.keepLastTurns\?/,
    );
    refused(
      () => createAgent(options({ machine, redact: { secret: ['x'] } })),
      /redact\.secret is not an option; did you mean redact\.secrets\?/,
    );
    // Misspelt, it opened the file for writing.
    refused(
      () => new SqliteCheckpointer(options({ path: ':memory:', readonly: true })),
      /readonly is not an option; did you mean readOnly\?/,
    );
    refused(
      () => createAgent(options({ machine, limits: { maxCost: 1 } })),
      /limits\.maxCost is not an option; did you mean limits\.maxCostUsd\?/,
    );
  });

  it('refuses a prompt that is not a function, and says a string given for a number is a string', () => {
    refused(
      () => toolLoop(options({ model: 'fast', tools: [], prompt: 'Count to five.' })),
      /toolLoop: prompt must be a function.*got the string "Count to five\."/,
    );
    refused(
      () =>
        structuredCall(
          options({ model: 'fast', schema: z.object({}), prompt: () => 'go', system: 5 }),
        ),
      /system must be a string or a function/,
    );
    refused(
      () => createAgent(options({ machine, limits: { maxSteps: '5' } })),
      /limits\.maxSteps is the string "5"/,
    );
  });

  it('refuses SQLite store options that make no sense', () => {
    refused(() => new SqliteCheckpointer({ path: ':memory:', busyTimeoutMs: -1 }), /busyTimeoutMs/);
    refused(() => new SqliteCheckpointer({ path: '' }), /path must be the database file's path/);
  });

  it("refuses a misspelt option of the agent's own methods, naming the one meant", async () => {
    const agent = createAgent({ machine });
    await agent.run({ threadId: 'a', input: undefined });
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => (DefinitionError.isInstance(error) ? error.message : error),
      );
    expect(await refusal(agent.resume('a', { forse: true } as never))).toMatch(
      /agent\.resume: forse is not an option; did you mean force\?/,
    );
    expect(await refusal(agent.fork({ from: 'a', threadID: 'b' } as never))).toMatch(
      /agent\.fork: threadID is not an option; did you mean threadId\?/,
    );
    expect(await refusal(agent.replay('a', { onEvents: () => undefined } as never))).toMatch(
      /agent\.replay: onEvents is not an option; did you mean onEvent\?/,
    );
    expect(await refusal(agent.close({ timeout: 5 } as never))).toMatch(
      /agent\.close: timeout is not an option; did you mean timeoutMs\?/,
    );
    expect(await refusal(agent.close({ timeoutMs: -1 }))).toMatch(/agent\.close: .*timeoutMs/);
    await agent.close();
  });
});
