/**
 * Issue 12 — an agent's runs can be watched in the XState inspector: `createAgent({ inspect })`
 * receives every run's inspection events, as `createActor(machine, { inspect })` would for a
 * plain actor (which cannot run an agent's chart: its effects need the run that binds them).
 */
import { createAgent, MemoryCheckpointer } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
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
});
