import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { defineTool } from '../tools/define-tool';
import { toolCall } from './tool-call';

function probeTool(name: string, log: string[], ms: number) {
  return defineTool({
    name,
    description: `Waits ${ms} ms unless aborted.`,
    input: z.object({}),
    output: z.object({ done: z.boolean() }),
    effect: 'pure',
    execute: (_input, { signal }) =>
      new Promise((resolve, reject) => {
        log.push(`${name}:start`);
        const timer = setTimeout(() => {
          log.push(`${name}:end`);
          resolve({ done: true });
        }, ms);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          log.push(`${name}:aborted`);
          reject(signal.reason);
        });
      }),
  });
}

describe('effect lifecycle', () => {
  it('aborts an effect when its state is exited', async () => {
    const log: string[] = [];
    const machine = setup({
      actors: { slow: toolCall(probeTool('slow', log, 5_000)) },
    }).createMachine({
      id: 'exit',
      initial: 'working',
      states: {
        working: { invoke: { src: 'slow', input: {} }, on: { CANCEL: 'cancelled' } },
        cancelled: { type: 'final' },
      },
    });
    const agent = createAgent({ machine });
    const handle = agent.start({ input: undefined });
    await new Promise((resolve) => setTimeout(resolve, 10));
    handle.send({ type: 'CANCEL' });
    const outcome = await handle.result();
    expect(outcome.status).toBe('done');
    expect(log).toEqual(['slow:start', 'slow:aborted']);
  });

  it('runs effects in parallel regions concurrently', async () => {
    const log: string[] = [];
    const machine = setup({
      actors: {
        left: toolCall(probeTool('left', log, 30)),
        right: toolCall(probeTool('right', log, 30)),
      },
    }).createMachine({
      id: 'parallel',
      type: 'parallel',
      states: {
        a: {
          initial: 'run',
          states: {
            run: { invoke: { src: 'left', input: {}, onDone: 'done' } },
            done: { type: 'final' },
          },
        },
        b: {
          initial: 'run',
          states: {
            run: { invoke: { src: 'right', input: {}, onDone: 'done' } },
            done: { type: 'final' },
          },
        },
      },
    });
    const outcome = await createAgent({ machine }).run({ input: undefined });
    expect(outcome.status).toBe('done');
    // Both started before either finished: they ran at the same time, not one after the other.
    expect(log.slice(0, 2).sort()).toEqual(['left:start', 'right:start']);
    expect(log.slice(2).sort()).toEqual(['left:end', 'right:end']);
  });

  it('stops a run: effects are aborted and the outcome is stopped', async () => {
    const log: string[] = [];
    const machine = setup({
      actors: { slow: toolCall(probeTool('slow', log, 5_000)) },
    }).createMachine({
      id: 'stop',
      invoke: { src: 'slow', input: {} },
    });
    const handle = createAgent({ machine }).start({ input: undefined });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const outcome = await handle.stop();
    expect(outcome.status).toBe('stopped');
    expect(log).toEqual(['slow:start', 'slow:aborted']);
  });
});
