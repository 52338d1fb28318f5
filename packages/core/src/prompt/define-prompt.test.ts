import { describe, expect, expectTypeOf, it } from 'vitest';
import { type AnyActorLogic, assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { routeGenerateVerify } from '../cascade/route-generate-verify';
import { structuredCall } from '../effects/structured-call';
import { toolLoop } from '../effects/tool-loop';
import type { RunEvent } from '../events/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { runEffect } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';
import { definePrompt, type Prompt } from './define-prompt';

interface Ticket {
  subject: string;
}

const triagePrompt = definePrompt({
  id: 'support.triage',
  version: 2,
  system: 'You route support tickets.',
  render: (ticket: Ticket) => `Classify: ${ticket.subject}`,
});

const schema = z.object({ team: z.string() });

/** An agent invoking `logic` once, with its journal and its llm.call.start events. */
async function runOnce(logic: AnyActorLogic) {
  const machine = setup({
    types: { context: {} as { result?: unknown } },
    actors: { effect: logic },
  }).createMachine({
    context: {},
    initial: 'running',
    states: {
      running: {
        invoke: {
          src: 'effect',
          input: { subject: 'charged twice' },
          onDone: { target: 'done', actions: assign({ result: ({ event }) => event.output }) },
        },
      },
      done: { type: 'final' },
    },
  });
  const model = scriptedModel({
    handler: (request) => {
      const format = request.responseFormat?.type === 'json_schema' && request.responseFormat.name;
      if (format === 'route') return { json: { route: 'only' } };
      if (format === 'verdict') return { json: { pass: true, issues: [] } };
      return { json: { team: 'billing' } };
    },
  });
  const checkpointer = new MemoryCheckpointer();
  const agent = createAgent({ machine, models: { fast: model }, checkpointer });
  const starts: RunEvent<'llm.call.start'>[] = [];
  agent.events.on('llm.call.start', (event) => starts.push(event));
  const outcome = await agent.run({ threadId: 't', input: undefined });
  expect(outcome.status).toBe('done');
  const journal = await checkpointer.listEffects('t');
  return { model, starts, llm: journal.filter((entry) => entry.kind === 'llm') };
}

describe('definePrompt', () => {
  it('is a prompt function carrying its id, version and system', () => {
    expect(triagePrompt({ subject: 'x' })).toBe('Classify: x');
    expect([triagePrompt.id, triagePrompt.version]).toEqual(['support.triage', 2]);
    expect(triagePrompt.system).toBe('You route support tickets.');
    const typed: Prompt<Ticket, string> = triagePrompt;
    expectTypeOf(typed.id).toEqualTypeOf<string>();
    expectTypeOf<Parameters<typeof triagePrompt>>().toEqualTypeOf<[input: Ticket]>();
  });

  it("records a structured call's prompt id and version in its journal entry and event", async () => {
    const { model, starts, llm } = await runOnce(
      structuredCall({ model: 'fast', schema, prompt: triagePrompt }),
    );
    expect(llm.map((entry) => entry.meta?.prompt)).toEqual([{ id: 'support.triage', version: 2 }]);
    expect(starts.map((event) => event.prompt)).toEqual([{ id: 'support.triage', version: 2 }]);
    // The prompt's own system prompt is sent, then its text.
    expect(model.requests[0]?.messages).toEqual([
      { role: 'system', content: 'You route support tickets.' },
      { role: 'user', content: 'Classify: charged twice' },
    ]);
  });

  it('records a tool loop prompt, and lets the effect override its system prompt', async () => {
    const { model, llm } = await runOnce(
      toolLoop({ model: 'fast', tools: [], prompt: triagePrompt, system: 'Be brief.' }),
    );
    expect(llm[0]?.meta?.prompt).toEqual({ id: 'support.triage', version: 2 });
    expect(model.requests[0]?.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
  });

  it("records the generator's prompt of a router → generator → verifier", async () => {
    const { llm } = await runOnce(
      routeGenerateVerify({
        router: { model: 'fast', prompt: (ticket: Ticket) => `Route: ${ticket.subject}` },
        routes: { only: { models: ['fast'], prompt: triagePrompt } },
        schema,
        verifier: { model: 'fast', prompt: () => 'Check it.' },
      }),
    );
    expect(llm.map((entry) => entry.meta?.prompt)).toEqual([
      undefined,
      { id: 'support.triage', version: 2 },
      undefined,
    ]);
  });

  it('records nothing for a plain prompt function', async () => {
    const { starts, llm } = await runOnce(
      structuredCall({ model: 'fast', schema, prompt: (ticket: Ticket) => ticket.subject }),
    );
    expect(llm[0]?.meta).not.toHaveProperty('prompt');
    expect(starts[0]).not.toHaveProperty('prompt');
  });

  it('refuses an empty id or version, saying what to give', () => {
    expect(() => definePrompt({ id: ' ', version: 1, render: () => '' })).toThrow(
      /id must be a non-empty string/,
    );
    expect(() => definePrompt({ id: 'a', version: '', render: () => '' })).toThrow(
      /version must be a number, 0 or more, or a non-empty string/,
    );
    expect(() => definePrompt({ id: 'a', version: Number.NaN, render: () => '' })).toThrow(
      expect.objectContaining({ code: 'definition.invalid_option' }),
    );
    // Before: accepted, and recorded with every call as a version older than the first.
    expect(() => definePrompt({ id: 'a', version: -1, render: () => '' })).toThrow(
      /definePrompt "a": version must be a number, 0 or more, .* got the number -1/,
    );
    expect(definePrompt({ id: 'a', version: 0, render: () => '' }).version).toBe(0);
  });

  it('refuses a prompt without a render function when it is defined, not when it runs (issue 9)', () => {
    expect(() => definePrompt({ id: 'triage', version: 1 } as never)).toThrow(
      /definePrompt "triage": render must be a function/,
    );
    expect(() =>
      definePrompt({ id: 'triage', version: 1, render: () => 'x', system: 42 } as never),
    ).toThrow(/definePrompt "triage": system must be a string or a function/);
  });

  it('fails the effect with a typed error when the prompt returns no message (issue 9)', async () => {
    const prompt = definePrompt({
      id: 'triage',
      version: 1,
      // A path that forgets to return: a runtime mistake TypeScript cannot always see.
      render: (ticket: { body?: string }) =>
        (ticket.body ? `Triage: ${ticket.body}` : undefined) as string,
    });
    const { error } = await runEffect(
      structuredCall({ model: 'm', schema: z.object({ a: z.string() }), prompt }),
      {},
      { models: { m: scriptedModel({ responses: [{ json: { a: 'x' } }] }) } },
    );
    expect(error).toMatchObject({
      code: 'definition.invalid_option',
      message: expect.stringMatching(/prompt returned nothing for its input/),
    });
  });
});
