import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { agentActor } from '../effects/agent-actor';
import { defaultMaxMicrosteps } from './microstep-bound';

/**
 * An eventless loop that settles only after `turns` microsteps: one past the bound stands for
 * a loop that never settles, which XState (no bound by default) spun in for ever, hanging the
 * process with every run in it.
 */
function loopOf(turns: number, options?: { maxIterations: number }) {
  return setup({ types: { context: {} as { turn: number } } }).createMachine({
    id: 'loop',
    ...(options ? { options } : {}),
    context: { turn: 0 },
    initial: 'turning',
    states: {
      turning: {
        always: [
          { guard: ({ context }) => context.turn >= turns, target: 'settled' },
          { actions: assign({ turn: ({ context }) => context.turn + 1 }) },
        ],
      },
      settled: { type: 'final' },
    },
    output: ({ context }) => context.turn,
  });
}

describe('an eventless loop that does not settle', () => {
  const endless = defaultMaxMicrosteps + 10;

  it('fails its run with run.infinite_loop instead of hanging the process', async () => {
    const machine = loopOf(endless);
    const outcome = await createAgent({ machine }).run({ input: undefined });
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.error).toMatchObject({ code: 'run.infinite_loop' });
    expect(outcome.error.message).toContain('options.maxIterations');
    // The caller's machine is not changed: its copy runs bounded.
    expect(machine.options.maxIterations).toBe(Number.POSITIVE_INFINITY);
  });

  it('fails in a child machine registered in actors as well', async () => {
    const parent = setup({ actors: { child: loopOf(endless) } }).createMachine({
      id: 'parent',
      initial: 'delegating',
      states: { delegating: { invoke: { src: 'child', onDone: 'done' } }, done: { type: 'final' } },
    });
    const outcome = await createAgent({ machine: parent }).run({ input: undefined });
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'run.infinite_loop' } });
  });

  it("keeps a machine's own maxIterations", async () => {
    const machine = loopOf(endless, { maxIterations: endless + 10 });
    const outcome = await createAgent({ machine }).run({ input: undefined });
    expect(outcome).toMatchObject({ status: 'done', output: endless });
  });

  it('fails in a child agent (agentActor), which the parent hears as its result', async () => {
    const parent = setup({
      actors: {
        child: agentActor({ machine: loopOf(endless), input: z.undefined(), output: z.number() }),
      },
    }).createMachine({
      id: 'parent',
      context: {} as { result?: unknown },
      initial: 'delegating',
      states: {
        delegating: {
          invoke: {
            src: 'child',
            input: undefined,
            onDone: { target: 'done', actions: assign({ result: ({ event }) => event.output }) },
          },
        },
        done: { type: 'final' },
      },
      output: ({ context }) => context.result,
    });
    const outcome = await createAgent({ machine: parent }).run({ input: undefined });
    expect(outcome).toMatchObject({
      status: 'done',
      output: { status: 'failed', error: { code: 'run.infinite_loop' } },
    });
  });
});
