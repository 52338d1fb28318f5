/**
 * Issue 12 — an agent's runs can be watched in the XState inspector: `createAgent({ inspect })`
 * receives every run's inspection events, as `createActor(machine, { inspect })` would for a
 * plain actor (which cannot run an agent's chart: its effects need the run that binds them).
 */
import { createAgent, defineTool, MemoryCheckpointer, toolLoop } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { assign, type InspectionEvent, setup } from 'xstate';
import { z } from 'zod';
import { invoiceMachine, invoiceResponse, memoryLedger } from '../fixtures/invoice-agent';

describe('createAgent({ inspect }) (issue 12)', () => {
  it("hands every run's actors, events and snapshots to the inspector, effect actors included", async () => {
    const seen: InspectionEvent[] = [];
    const agent = createAgent({
      machine: invoiceMachine({ ledger: memoryLedger() }),
      models: { fast: scriptedModel({ handler: invoiceResponse }) },
      checkpointer: new MemoryCheckpointer(),
      inspect: (event) => seen.push(event),
    });
    const handle = agent.start({ threadId: 't', input: { request: 'invoice c-42' } });
    expect((await handle.result()).status).toBe('waiting');
    handle.reply({ approved: true });
    expect((await handle.result()).status).toBe('done');

    const types = new Set(seen.map((event) => event.type));
    for (const type of ['@xstate.actor', '@xstate.event', '@xstate.snapshot']) {
      expect(types).toContain(type);
    }
    const actors = seen.filter((event) => event.type === '@xstate.actor');
    // The root actor and the effect actors it invoked (a model call, the human wait …).
    expect(actors.length).toBeGreaterThan(2);
    const root = actors[0]!.actorRef;
    expect(actors.some((event) => event.actorRef !== root)).toBe(true);
    expect(seen.some((event) => event.type === '@xstate.snapshot' && event.actorRef === root)).toBe(
      true,
    );
  });

  it('hands it no secret in any event type, sender or persisted snapshot', async () => {
    // Before: only @xstate.snapshot and @xstate.event were redacted; a microstep's event and
    // snapshot, a sender's snapshot and every actor's getPersistedSnapshot() held the secret.
    const secret = 'canary-s3cr3t-1234567890';
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks the key up.',
      input: z.object({}),
      output: z.string(),
      effect: 'pure',
      execute: async () => `the key is ${secret}`,
    });
    const model = scriptedModel({
      responses: [
        { toolCalls: [{ name: 'lookup', arguments: {} }] },
        (request) => `I read ${request.messages.at(-1)!.content}`,
      ],
    });
    const machine = setup({
      types: { context: {} as { answer?: string } },
      actors: { loop: toolLoop({ model: 'fast', tools: [lookup], prompt: () => 'Find the key' }) },
    }).createMachine({
      id: 'keys',
      context: {},
      initial: 'looking',
      states: {
        looking: {
          invoke: {
            src: 'loop',
            onDone: {
              target: 'done',
              actions: assign({ answer: ({ event }) => event.output.content }),
            },
          },
        },
        done: { type: 'final' },
      },
    });
    const found = new Set<string>();
    const holds = (value: unknown) => jsonOf(value).includes(secret);
    const agent = createAgent({
      machine,
      models: { fast: model },
      redact: { secrets: [secret] },
      inspect: (event) => {
        const about = event as unknown as Record<string, unknown> & {
          actorRef: {
            getSnapshot(): unknown;
            getPersistedSnapshot(): unknown;
            _parent?: { getSnapshot(): unknown };
            system: { getAll(): Record<string, { getSnapshot(): unknown }> };
          };
          sourceRef?: { getSnapshot(): unknown; getPersistedSnapshot(): unknown };
        };
        const parts: Record<string, unknown> = {
          event: about.event,
          snapshot: about.snapshot,
          action: about.action,
          'actorRef.getSnapshot()': read(() => about.actorRef.getSnapshot()),
          'actorRef.getPersistedSnapshot()': read(() => about.actorRef.getPersistedSnapshot()),
          'sourceRef.getSnapshot()': read(() => about.sourceRef?.getSnapshot()),
          'sourceRef.getPersistedSnapshot()': read(() => about.sourceRef?.getPersistedSnapshot()),
          // The ways to other actors an inspector follows.
          'actorRef._parent.getSnapshot()': read(() => about.actorRef._parent?.getSnapshot()),
          'actorRef.system.getAll()': read(() =>
            Object.values(about.actorRef.system.getAll()).map((actor) => actor.getSnapshot()),
          ),
        };
        for (const [name, value] of Object.entries(parts)) {
          if (holds(value)) found.add(`${event.type} ${name}`);
        }
      },
    });
    const outcome = await agent.run({ threadId: 't', input: {} });
    expect(outcome.status === 'done' && jsonOf(outcome.output)).toBeDefined();
    // The run had it (the model read it); the inspector got none of it.
    expect(holds(model.requests)).toBe(true);
    expect([...found]).toEqual([]);
    await agent.close();
  });

  it('lets an inspector that throws neither fail a run nor reject its start, and warns once', async () => {
    // Before: XState calls the observer inside createActor and each step, so the first throw
    // rejected agent.run() with the inspector's error, and a later one failed the run.
    for (const throwsFrom of [1, 6]) {
      let seen = 0;
      const agent = createAgent({
        machine: invoiceMachine({ ledger: memoryLedger() }),
        models: { fast: scriptedModel({ handler: invoiceResponse }) },
        checkpointer: new MemoryCheckpointer(),
        inspect: () => {
          if (++seen >= throwsFrom) throw new Error('the inspector socket broke');
        },
      });
      const warnings: string[] = [];
      agent.events.on('agent.warning', (event) => warnings.push(`${event.code}: ${event.message}`));
      const handle = agent.start({ threadId: 't', input: { request: 'invoice c-42' } });
      expect((await handle.result()).status).toBe('waiting');
      handle.reply({ approved: true });
      expect((await handle.result()).status).toBe('done');
      expect((await agent.run({ threadId: 'u', input: { request: 'invoice c-43' } })).status).toBe(
        'waiting',
      );
      expect(warnings).toEqual([
        expect.stringMatching(/^inspect_failed: .*run "t".*the inspector socket broke/),
      ]);
      await agent.close();
    }
  });
});

/** What `reading` returns, or undefined while XState refuses it (an actor starting). */
function read(reading: () => unknown): unknown {
  try {
    return reading();
  } catch {
    return undefined;
  }
}

/** JSON of a value that may hold actors (cycles written as such). */
function jsonOf(value: unknown): string {
  const seen = new WeakSet<object>();
  return (
    JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item !== 'object' || item === null) return item;
      if (seen.has(item)) return '[cycle]';
      seen.add(item);
      return item;
    }) ?? ''
  );
}
