import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';
import { toolCall } from '../effects/tool-call';
import { defineTool } from '../tools/define-tool';

const key = 'sk-live-4f9c2a7e1b3d';

/** A tool whose upstream echoes the key it was given, as many APIs do in a 401's message. */
const charge = defineTool({
  name: 'charge',
  description: 'Charges the card on file.',
  input: z.object({ amount: z.number() }),
  output: z.string(),
  effect: 'pure',
  secrets: [key],
  execute: async () => {
    throw new Error(`401 from the payments API: invalid key ${key}`);
  },
});

const machine = setup({ actors: { charge: toolCall(charge) } }).createMachine({
  id: 'billing',
  initial: 'charging',
  states: {
    charging: { invoke: { src: 'charge', input: { amount: 5 }, onDone: 'charged' } },
    charged: { type: 'final' },
  },
});

describe("a failed run's outcome", () => {
  it('carries its error redacted, as its checkpoint, its events and a restored outcome do', async () => {
    const stores = tempStores();
    const agent = createAgent({ machine, checkpointer: stores.open() });
    const ended: unknown[] = [];
    agent.events.on('run.end', (event) => ended.push(event));
    // What a service sends back to the tenant whose request failed.
    const outcome = await agent.run({ threadId: 'bill-1', tenantId: 'acme', input: {} });
    expect(outcome.status).toBe('failed');
    // Before: the live outcome's message held the key (the events and the checkpoint did not),
    // so a route answering `outcome.error.message` handed the tool's key to the tenant.
    expect(JSON.stringify(outcome)).not.toContain(key);
    expect(outcome.status === 'failed' && outcome.error).toMatchObject({
      code: 'tool.failed',
      message: 'Tool "charge" failed: 401 from the payments API: invalid key [REDACTED:credential]',
    });
    expect(JSON.stringify(ended)).not.toContain(key);
    const restored = await (await agent.resume('bill-1')).result();
    expect(restored.status === 'failed' && restored.error.message).toBe(
      outcome.status === 'failed' && outcome.error.message,
    );
    await agent.close();
    stores.cleanup();
  });
});
