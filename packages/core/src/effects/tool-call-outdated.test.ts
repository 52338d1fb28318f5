import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';
import type { Checkpointer } from '../store/types';
import { defineTool } from '../tools/define-tool';
import { toolCall } from './tool-call';

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

/**
 * A charging desk: an unsafe charge tool asked about first when `approval` says so. The first
 * deploy's charge takes `{ cents }`, the next one's `{ amount }`; the chart is the same.
 */
function chargingAgent(
  checkpointer: Checkpointer,
  field: 'cents' | 'amount',
  execute: (input: unknown) => Promise<{ ok: boolean }>,
  approval: 'always' | 'never',
) {
  const charge = defineTool({
    name: 'charge',
    description: 'Charges the card',
    input: z.object({ order: z.string(), [field]: z.number() }),
    output: z.object({ ok: z.boolean() }),
    effect: 'unsafe',
    approval,
    execute: execute as () => Promise<{ ok: boolean }>,
  });
  const machine = setup({
    types: { context: {} as { error?: string } },
    actors: { charge: toolCall(charge) },
  }).createMachine({
    id: 'charges',
    context: {},
    initial: 'charging',
    states: {
      charging: {
        invoke: {
          id: 'charge',
          src: 'charge',
          input: () => ({ order: 'O-1', cents: 500 }),
          onDone: 'charged',
          onError: {
            target: 'failed',
            actions: assign({
              error: ({ event }) =>
                `${(event.error as { code?: string }).code}: ${(event.error as Error).message}`,
            }),
          },
        },
      },
      charged: { type: 'final' },
      failed: { type: 'final' },
    },
    output: ({ context }) => context,
  });
  return createAgent({ machine, checkpointer });
}

// A toolCall restored after a deploy changed its tool's input schema failed with "was invoked
// with input that does not match its input schema; nothing was executed. Fix the invoke's
// input", silently (no warning): for an approval asked before the deploy, and for an unsafe
// call the earlier deploy had started, which may have acted.
describe('a toolCall restored after a deploy changed its tool input schema', () => {
  it('with an approval pending: fails saying the schema changed since, and warns', async () => {
    const checkpointer = stores.open();
    const executed: unknown[] = [];
    const record = async (input: unknown) => {
      executed.push(input);
      return { ok: true };
    };
    const first = chargingAgent(checkpointer, 'cents', record, 'always');
    expect((await first.run({ threadId: 't', input: undefined })).status).toBe('waiting');
    await first.close();
    const next = chargingAgent(checkpointer, 'amount', record, 'always');
    const warnings: string[] = [];
    next.events.on('agent.warning', (event) => warnings.push(event.code));
    // Restored to take the reply: the outdated call fails the state before the reply reaches it.
    await next
      .send('t', { type: 'human.reply', value: { approved: true } })
      .catch((error: unknown) => error);
    const stored = await next.getCheckpoint('t');
    expect(warnings).toEqual(['restore.tool_call_outdated']);
    const { error } =
      (stored?.snapshot as { context: { error?: string } } | undefined)?.context ?? {};
    expect(error).toContain('tool.invalid_arguments');
    expect(error).toContain('asked to be approved before this deploy');
    expect(error).not.toContain("Fix the invoke's input");
    expect(executed).toEqual([]);
    await next.close();
  });

  it('with an unsafe call started: never says nothing ran, and leaves it to effect.ambiguous', async () => {
    const checkpointer = stores.open();
    let called!: () => void;
    const calledOnce = new Promise<void>((resolve) => {
      called = resolve;
    });
    // The first deploy's charge starts, and its process dies while it runs.
    const first = chargingAgent(
      checkpointer,
      'cents',
      () => {
        called();
        return new Promise(() => undefined);
      },
      'never',
    );
    first.start({ threadId: 't', input: undefined });
    await calledOnce;
    const given: unknown[] = [];
    const next = chargingAgent(
      stores.open(),
      'amount',
      async (input) => {
        given.push(input);
        return { ok: true };
      },
      'never',
    );
    const warnings: string[] = [];
    next.events.on('agent.warning', (event) => warnings.push(event.code));
    const outcome = await (await next.resume('t', { force: true })).result();
    expect(outcome.status).toBe('done');
    expect(warnings).toEqual(['restore.tool_call_outdated']);
    // Before: tool.invalid_arguments, "nothing was executed", though the charge had started.
    expect((outcome as { output?: { error?: string } }).output?.error).toMatch(
      /^effect\.ambiguous/,
    );
    expect(given).toEqual([]);
    await next.close();
  });
});
