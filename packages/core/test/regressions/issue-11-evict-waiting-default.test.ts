/**
 * Issue 11 — a waiting run is evicted by default where a durable store is configured: it
 * leaves memory once its checkpoint is written, and its handle still answers it (restoring it
 * from the store). With the in-memory store too (ADR 0025): its stored checkpoint is a fifth
 * of the live run's memory.
 */
import { createAgent, MemoryCheckpointer } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { invoiceMachine, invoiceResponse, memoryLedger } from '../fixtures/invoice-agent';
import { tempStores } from '../fixtures/temp-stores';

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

const input = { request: 'invoice c-42' };

function agentOn(checkpointer: ReturnType<typeof stores.open> | MemoryCheckpointer) {
  // No evictWaiting option: the default is what is tested.
  const agent = createAgent({
    machine: invoiceMachine({ ledger: memoryLedger() }),
    models: { fast: scriptedModel({ handler: invoiceResponse }) },
    checkpointer,
  });
  const starts: boolean[] = [];
  agent.events.on('run.start', (event) => starts.push(event.resumed));
  return { agent, starts };
}

describe('evictWaiting by default (issue 11)', () => {
  it('evicts a waiting run on SQLite, and its handle answers it from the store', async () => {
    const { agent, starts } = agentOn(stores.open());
    const handle = agent.start({ threadId: 't', input });
    expect((await handle.result()).status).toBe('waiting');
    expect(handle.waits()).toHaveLength(1);
    handle.reply({ approved: true });
    expect(await handle.result()).toMatchObject({ status: 'done', output: { approved: true } });
    expect(starts).toEqual([false, true]);
    await agent.close();
  });

  it('evicts a waiting run with the in-memory store too, and its handle answers it', async () => {
    const { agent, starts } = agentOn(new MemoryCheckpointer());
    const handle = agent.start({ threadId: 't', input });
    expect((await handle.result()).status).toBe('waiting');
    expect(handle.waits()).toHaveLength(1);
    handle.reply({ approved: true });
    expect(await handle.result()).toMatchObject({ status: 'done', output: { approved: true } });
    expect(starts).toEqual([false, true]);
  });

  it('keeps a waiting run live when told to (evictWaiting: false)', async () => {
    const agent = createAgent({
      machine: invoiceMachine({ ledger: memoryLedger() }),
      models: { fast: scriptedModel({ handler: invoiceResponse }) },
      evictWaiting: false,
    });
    const starts: boolean[] = [];
    agent.events.on('run.start', (event) => starts.push(event.resumed));
    const handle = agent.start({ threadId: 't', input });
    expect((await handle.result()).status).toBe('waiting');
    expect(() => handle.reply({ approved: 'yes' })).toThrow(/approved/);
    handle.reply({ approved: true });
    expect(await handle.result()).toMatchObject({ status: 'done', output: { approved: true } });
    expect(starts).toEqual([false]);
  });
});
