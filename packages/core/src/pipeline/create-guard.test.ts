import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { structuredCall } from '../effects/structured-call';
import { toolLoop } from '../effects/tool-loop';
import { DefinitionError } from '../errors/definition-error';
import type { RunEvent } from '../events/types';
import type { RecordedModelCall } from '../ledger/recorded-model-call';
import { effectMachine } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';
import { createGuard } from './create-guard';

const classify = structuredCall({
  model: 'fast',
  schema: z.object({ label: z.string() }),
  prompt: (text: string) => `Classify: ${text}`,
});

function guardedAgent(guard: ReturnType<typeof createGuard>, answer = { label: 'ok' }) {
  const model = scriptedModel({ handler: () => ({ json: answer }) });
  const agent = createAgent({
    machine: effectMachine(classify, 'a ticket'),
    models: { fast: model },
    middleware: [guard],
  });
  const blocks: RunEvent<'guard.block'>[] = [];
  agent.events.on('guard.block', (event) => blocks.push(event));
  return { agent, model, blocks };
}

describe('createGuard', () => {
  it('stops a request before it is sent with guard.blocked, which the chart routes', async () => {
    const { agent, model, blocks } = guardedAgent(
      createGuard({
        name: 'no-tickets',
        input: (request) =>
          request.messages.some((message) => message.content.includes('ticket'))
            ? { block: 'tickets are not sent to this model' }
            : undefined,
      }),
    );
    const outcome = await agent.run({ threadId: 't', input: undefined });
    expect(outcome).toMatchObject({
      status: 'done',
      output: {
        error: {
          code: 'guard.blocked',
          details: {
            guard: 'no-tickets',
            stage: 'input',
            reason: 'tickets are not sent to this model',
          },
        },
      },
      usage: { modelCalls: 0 },
    });
    expect(model.requests).toHaveLength(0);
    expect(blocks).toMatchObject([{ guard: 'no-tickets', stage: 'input' }]);
  });

  it('stops an answer after it was paid for: counted, journaled as blocked, failed', async () => {
    const { agent, blocks } = guardedAgent(
      createGuard({
        name: 'no-secrets-out',
        output: (response) =>
          response.content.includes('password')
            ? { block: 'the answer names a password' }
            : undefined,
      }),
      { label: 'the password is swordfish' },
    );
    const outcome = await agent.run({ threadId: 't', input: undefined });
    expect(outcome).toMatchObject({
      status: 'done',
      output: { error: { code: 'guard.blocked', details: { stage: 'output' } } },
      usage: { modelCalls: 1 },
    });
    expect(outcome.usage.outputTokens).toBeGreaterThan(0);
    const [entry] = await agent.journal('t');
    expect(entry).toMatchObject({ kind: 'llm', status: 'completed' });
    expect((entry!.output as RecordedModelCall).blocked).toEqual({
      guard: 'no-secrets-out',
      reason: 'the answer names a password',
    });
    expect(blocks).toMatchObject([{ guard: 'no-secrets-out', stage: 'output' }]);
  });

  it('blocks a request whose input check throws, naming the guard, before anything is sent', async () => {
    const down = new Error('classifier unreachable');
    const { agent, model, blocks } = guardedAgent(
      createGuard({
        name: 'off-topic',
        input: async () => {
          throw down;
        },
      }),
    );
    const outcome = await agent.run({ threadId: 't', input: undefined });
    expect(outcome).toMatchObject({
      status: 'done',
      output: {
        error: {
          code: 'guard.blocked',
          details: { guard: 'off-topic', stage: 'input', checkFailed: true },
        },
      },
      usage: { modelCalls: 0 },
    });
    expect(model.requests).toHaveLength(0);
    expect(blocks).toMatchObject([{ guard: 'off-topic', stage: 'input' }]);
  });

  it('counts an answer whose output check throws as paid for, and blocks it', async () => {
    const { agent, blocks } = guardedAgent(
      createGuard({
        name: 'judge',
        output: () => {
          throw new Error('judge model down');
        },
      }),
    );
    const outcome = await agent.run({ threadId: 't', input: undefined });
    const failure = {
      code: 'guard.blocked',
      details: { guard: 'judge', stage: 'output', checkFailed: true },
    };
    expect(outcome).toMatchObject({
      status: 'done',
      output: { error: failure },
      usage: { modelCalls: 1 },
    });
    expect(outcome.usage.outputTokens).toBeGreaterThan(0);
    const [entry] = await agent.journal('t');
    expect(entry).toMatchObject({ kind: 'llm', status: 'completed' });
    expect((entry!.output as RecordedModelCall).blocked).toMatchObject({
      guard: 'judge',
      checkFailed: true,
    });
    expect(blocks).toMatchObject([{ guard: 'judge', stage: 'output' }]);
  });

  it('lets a check replace the request or the answer', async () => {
    const { agent, model } = guardedAgent(
      createGuard({
        name: 'rewrite',
        input: (request) => ({
          replace: {
            ...request,
            messages: request.messages.map((message) => ({
              ...message,
              content: message.content.replace('ticket', '[item]'),
            })),
          },
        }),
        output: (response) => ({ replace: { ...response, content: '{"label":"rewritten"}' } }),
      }),
    );
    const outcome = await agent.run({ input: undefined });
    expect(outcome).toMatchObject({ status: 'done', output: { result: { label: 'rewritten' } } });
    expect(model.requests[0]?.messages.at(-1)?.content).toBe('Classify: a [item]');
  });

  it("checks a tool loop's final answer, not the turns that call tools, unless asked", async () => {
    for (const toolCallTurns of [undefined, true]) {
      const seen: string[] = [];
      // Written for what the user reads: an answer must cite its source.
      const citesSource = createGuard({
        name: 'cites-source',
        output: (response) => {
          seen.push(response.toolCalls.length > 0 ? 'tool-call turn' : response.content);
          return response.content.includes('Source:') ? undefined : { block: 'no source' };
        },
        toolCallTurns,
      });
      const population = defineTool({
        name: 'population',
        description: 'The population of a city.',
        input: z.object({ city: z.string() }),
        output: z.object({ population: z.number() }),
        effect: 'pure',
        execute: async () => ({ population: 709_000 }),
      });
      const model = scriptedModel({
        responses: [
          { toolCalls: [{ name: 'population', arguments: { city: 'Oslo' } }] },
          'Oslo has 709,000 people. Source: the population tool.',
        ],
      });
      const agent = createAgent({
        machine: effectMachine(
          toolLoop({ model: 'm', tools: [population], prompt: (q: string) => q }),
          'How many people live in Oslo?',
        ),
        models: { m: model },
        middleware: [citesSource],
      });
      const outcome = await agent.run({ input: undefined });
      if (toolCallTurns) {
        // Asked for: the turn that only calls a tool is checked, and blocked.
        expect(seen).toEqual(['tool-call turn']);
        expect(outcome).toMatchObject({
          output: { error: { code: 'guard.blocked', details: { stage: 'output' } } },
        });
      } else {
        // Before: the same block, on the turn no user reads; the loop never answered.
        expect(seen).toEqual(['Oslo has 709,000 people. Source: the population tool.']);
        expect(outcome).toMatchObject({ status: 'done', output: { result: { steps: 2 } } });
      }
      await agent.close();
    }
  });

  it('refuses a guard that would let every call through: a misspelt, missing or non-function check', () => {
    const block = () => ({ block: 'no' });
    const refused: [unknown, RegExp][] = [
      [{ name: 'g', ouput: block }, /ouput is not an option; did you mean output\?/],
      [{ name: 'g' }, /has neither an input nor an output check/],
      [{ name: 'g', input: 42 }, /input is the number 42\. Give a function of the request/],
      [{ name: '', output: block }, /name is an empty string/],
      [{ output: block }, /name is nothing/],
      [{ name: 'g', output: block, toolCallTurns: 'yes' }, /toolCallTurns is the string "yes"/],
    ];
    for (const [options, message] of refused) {
      const made = () => createGuard(options as never);
      expect(made).toThrow(DefinitionError);
      expect(made).toThrow(message);
    }
    expect(() => createGuard({ name: 'g', output: () => undefined })).not.toThrow();
  });
});
