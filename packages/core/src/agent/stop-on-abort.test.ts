import { describe, expect, it } from 'vitest';
import { fromPromise, setup } from 'xstate';
import { z } from 'zod';
import { humanWait } from '../effects/human-wait';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { createAgent } from './create-agent';

/**
 * Works until its step is aborted (a request to a slow service), then waits for a reply and
 * works again. `started` resolves as each working step begins.
 */
function cancellableAgent() {
  let began: () => void = () => undefined;
  const steps: Promise<void>[] = [];
  const nextStep = () => {
    steps.push(
      new Promise<void>((resolve) => {
        began = resolve;
      }),
    );
  };
  nextStep();
  const work = fromPromise<string>(
    ({ signal }) =>
      new Promise((_resolve, reject) => {
        began();
        nextStep();
        signal.addEventListener('abort', () => reject(signal.reason));
      }),
  );
  const machine = setup({
    actors: { work, ask: humanWait({ prompt: () => 'go on?', reply: z.boolean() }) },
  }).createMachine({
    id: 'cancellable',
    initial: 'working',
    states: {
      working: { invoke: { src: 'work', onDone: 'asking' } },
      asking: { invoke: { src: 'ask', onDone: 'again' } },
      again: { invoke: { src: 'work', onDone: 'done' } },
      done: { type: 'final' },
    },
  });
  const checkpointer = new MemoryCheckpointer();
  const agent = createAgent({ machine, checkpointer });
  return { agent, checkpointer, stepBegun: (index: number) => steps[index]! };
}

/** A chart that rests waiting at once and works after a reply. */
function waitingAgent() {
  let began: () => void = () => undefined;
  const begun = new Promise<void>((resolve) => {
    began = resolve;
  });
  const machine = setup({
    actors: {
      ask: humanWait({ prompt: () => 'start?', reply: z.boolean() }),
      work: fromPromise<string>(
        ({ signal }) =>
          new Promise((_resolve, reject) => {
            began();
            signal.addEventListener('abort', () => reject(signal.reason));
          }),
      ),
    },
  }).createMachine({
    id: 'waiting-first',
    initial: 'asking',
    states: {
      asking: { invoke: { src: 'ask', onDone: 'working' } },
      working: { invoke: { src: 'work', onDone: 'done' } },
      done: { type: 'final' },
    },
  });
  const checkpointer = new MemoryCheckpointer();
  return { agent: createAgent({ machine, checkpointer }), checkpointer, begun };
}

describe('the signal option (issue: a client that went away could not cancel its run)', () => {
  it('stops a started run when its signal aborts while it works, and the store says stopped', async () => {
    const { agent, checkpointer, stepBegun } = cancellableAgent();
    const controller = new AbortController();
    const handle = agent.start({ threadId: 't', input: {}, signal: controller.signal });
    await stepBegun(0);
    controller.abort();
    expect((await handle.result()).status).toBe('stopped');
    expect((await checkpointer.latest('t'))?.run.status).toBe('stopped');
    await agent.close();
  });

  it('leaves a run that came to rest alone when its signal aborts afterwards', async () => {
    const { agent, checkpointer } = waitingAgent();
    const controller = new AbortController();
    const outcome = await agent.run({ threadId: 't', input: {}, signal: controller.signal });
    expect(outcome.status).toBe('waiting');
    // A request's signal aborts once its response is sent (Node's does): the thread waits on.
    controller.abort();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await checkpointer.latest('t'))?.run.status).toBe('waiting');
    await agent.close();
  });

  it("stops the work a send's reply started when the send's signal aborts", async () => {
    const { agent, checkpointer, begun } = waitingAgent();
    expect((await agent.run({ threadId: 't', input: {} })).status).toBe('waiting');
    const controller = new AbortController();
    const handle = await agent.send(
      't',
      { type: 'human.reply', value: true },
      { signal: controller.signal },
    );
    await begun;
    controller.abort();
    expect((await handle.result()).status).toBe('stopped');
    expect((await checkpointer.latest('t'))?.run.status).toBe('stopped');
    await agent.close();
  });

  it('stops a resumed run when the resume’s signal aborts while it works', async () => {
    const { agent, checkpointer, stepBegun } = cancellableAgent();
    const first = agent.start({ threadId: 't', input: {} });
    await stepBegun(0);
    // Handed back mid-work, as a process shutting down does; another agent resumes it.
    await agent.close({ timeoutMs: 0 });
    expect((await first.result()).status).toBe('stopped');
    const again = createAgent({ machine: agent.machine, checkpointer });
    // The plain promise actor starts again, as the warning says (no journal to replay it from).
    const warnings: string[] = [];
    again.events.on('agent.warning', (event) => warnings.push(event.code));
    const controller = new AbortController();
    const handle = await again.resume('t', { signal: controller.signal });
    await stepBegun(1);
    controller.abort();
    expect((await handle.result()).status).toBe('stopped');
    expect((await checkpointer.latest('t'))?.run.status).toBe('stopped');
    expect(warnings).toContain('restore.actor_restarted');
    await again.close();
  });

  it('throws the reason of a signal aborted before the call, and stores nothing', async () => {
    const { agent, checkpointer } = waitingAgent();
    const reason = new Error('the client went away');
    const aborted = AbortSignal.abort(reason);
    expect(() => agent.start({ threadId: 'a', input: {}, signal: aborted })).toThrow(reason);
    await expect(agent.run({ threadId: 'b', input: {}, signal: aborted })).rejects.toBe(reason);
    expect(await checkpointer.latest('a')).toBeUndefined();
    expect(await checkpointer.latest('b')).toBeUndefined();
    expect((await agent.run({ threadId: 't', input: {} })).status).toBe('waiting');
    await expect(
      agent.send('t', { type: 'human.reply', value: true }, { signal: aborted }),
    ).rejects.toBe(reason);
    await expect(agent.resume('t', { signal: aborted })).rejects.toBe(reason);
    // Nothing restored: the thread waits as it did, its lease free.
    expect((await checkpointer.latest('t'))?.run.status).toBe('waiting');
    expect((await checkpointer.getLease('t'))?.expiresAt ?? 0).toBe(0);
    await agent.close();
  });

  it('refuses a signal that is not an AbortSignal, naming the option', async () => {
    const { agent } = waitingAgent();
    const notASignal = { aborted: false } as unknown as AbortSignal;
    expect(() => agent.start({ input: {}, signal: notASignal })).toThrow(
      /agent\.start: signal must be an AbortSignal/,
    );
    await expect(agent.send('t', { type: 'x' }, { signal: notASignal })).rejects.toMatchObject({
      code: 'definition.invalid_option',
    });
    await agent.close();
  });
});
