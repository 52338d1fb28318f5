/**
 * Issue 9 — the run's lifecycle keeps its promises: any invoked actor is work in flight, a
 * throwing event listener never breaks a run, and resting runs let the process exit.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createAgent,
  humanWait,
  MemoryCheckpointer,
  SqliteCheckpointer,
  structuredCall,
} from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { assign, fromPromise, setup } from 'xstate';
import { z } from 'zod';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '../../../..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fails the test instead of hanging when `promise` does not settle in `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
    }),
  ]);
}

const plainPromises = setup({
  types: { context: {} as { steps: number } },
  actors: { work: fromPromise(async () => sleep(50)) },
}).createMachine({
  id: 'plain-promises',
  context: { steps: 0 },
  initial: 'a',
  states: {
    a: { invoke: { src: 'work', onDone: { target: 'b', actions: assign({ steps: 1 }) } } },
    b: { invoke: { src: 'work', onDone: { target: 'c', actions: assign({ steps: 2 }) } } },
    c: { invoke: { src: 'work', onDone: { target: 'done', actions: assign({ steps: 3 }) } } },
    done: { type: 'final' },
  },
  output: ({ context }) => context.steps,
});

describe('run lifecycle (issue 9)', () => {
  it('treats any invoked actor as work in flight: 1,000 runs of plain fromPromise actors all end done, and no checkpoint says waiting', async () => {
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: plainPromises, checkpointer });
    const outcomes = await within(
      Promise.all(
        Array.from({ length: 1_000 }, (_, index) =>
          agent.run({ threadId: `t${index}`, input: undefined }),
        ),
      ),
      15_000,
      '1,000 runs',
    );
    expect(outcomes.filter((outcome) => outcome.status === 'done')).toHaveLength(1_000);
    expect(outcomes.every((outcome) => outcome.status === 'done' && outcome.output === 3)).toBe(
      true,
    );
    for (const index of [0, 499, 999]) {
      const statuses = (await checkpointer.list(`t${index}`)).map((summary) => summary.status);
      expect(statuses).not.toContain('waiting');
      expect(statuses.at(-1)).toBe('done');
    }
  });

  it('counts the work of a child machine: a promise inside an invoked machine keeps the run running', async () => {
    const child = setup({ actors: { work: fromPromise(async () => sleep(30)) } }).createMachine({
      id: 'child',
      initial: 'working',
      states: {
        working: { invoke: { src: 'work', onDone: 'finished' } },
        finished: { type: 'final' },
      },
    });
    const parent = setup({ actors: { child } }).createMachine({
      id: 'parent',
      initial: 'delegating',
      states: {
        delegating: { invoke: { src: 'child', onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const outcome = await within(
      createAgent({ machine: parent }).run({ input: undefined }),
      5_000,
      'run',
    );
    expect(outcome.status).toBe('done');
  });

  it.each([
    ['in a later turn', 30],
    ['before the turn ends', 0],
  ])(
    "rests once a child machine's own step leaves nothing running (%s), with that step stored",
    async (_when, ms) => {
      // The child's step after its promise settles reaches no observer of the root: the run must
      // notice it to store it and to come to rest — also when it comes before the run's first
      // checkpoint (a promise of 0 ms settles in the spawning turn).
      const child = setup({
        actors: { work: fromPromise(async () => (ms > 0 ? sleep(ms) : undefined)) },
      }).createMachine({
        id: 'child',
        initial: 'working',
        states: {
          working: { invoke: { src: 'work', onDone: 'idle' } },
          idle: {},
        },
      });
      const parent = setup({ actors: { child } }).createMachine({
        id: 'parent',
        initial: 'delegating',
        states: { delegating: { invoke: { id: 'helper', src: 'child' } } },
      });
      const checkpointer = new MemoryCheckpointer();
      const outcome = await within(
        createAgent({ machine: parent, checkpointer }).run({
          threadId: `child-rest-${ms}`,
          input: 1,
        }),
        5_000,
        'run',
      );
      expect(outcome.status).toBe('waiting');
      const stored = (await checkpointer.latest(`child-rest-${ms}`))!;
      expect(stored.run.status).toBe('waiting');
      const children = (stored.snapshot as { children: Record<string, { snapshot: unknown }> })
        .children;
      expect(children.helper!.snapshot).toMatchObject({ value: 'idle' });
    },
  );

  it('writes no more checkpoints for the child machines it finds than the steps it takes need', async () => {
    // Five child machines in a row: a checkpoint at each of the root's turns, as when the
    // children were found at every step; finding one stores nothing of its own.
    const child = setup({ actors: { work: fromPromise(async () => sleep(5)) } }).createMachine({
      id: 'child',
      initial: 'working',
      states: {
        working: { invoke: { src: 'work', onDone: 'finished' } },
        finished: { type: 'final' },
      },
    });
    const parent = setup({
      actors: { child },
      types: { context: {} as { n: number } },
    }).createMachine({
      id: 'parent',
      initial: 'work',
      context: { n: 0 },
      states: {
        work: {
          invoke: {
            src: 'child',
            onDone: [
              { guard: ({ context }) => context.n >= 4, target: 'end' },
              {
                target: 'work',
                reenter: true,
                actions: assign({ n: ({ context }) => context.n + 1 }),
              },
            ],
          },
        },
        end: { type: 'final' },
      },
    });
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: parent, checkpointer });
    const outcome = await within(agent.run({ threadId: 'five', input: 1 }), 5_000, 'run');
    expect(outcome.status).toBe('done');
    // At most one a turn (11 when each child found asked for one of its own); fewer when a
    // slow machine's turns come while a write is in flight and share the next one.
    const written = (await checkpointer.list('five')).length;
    expect(written).toBeGreaterThanOrEqual(2);
    expect(written).toBeLessThanOrEqual(6);
    await agent.close();
  });

  it.each(['state.enter', 'run.end', 'checkpoint.write', 'llm.call.end'] as const)(
    'never lets a throwing "%s" listener break the run or lose its answer',
    async (type) => {
      const model = scriptedModel({ handler: () => ({ json: { team: 'billing' } }) });
      const machine = setup({
        actors: {
          triage: structuredCall({
            model: 'fast',
            schema: z.object({ team: z.string() }),
            prompt: (text: string) => text,
          }),
        },
      }).createMachine({
        id: 'listener-victim',
        initial: 'triaging',
        states: {
          triaging: {
            invoke: { src: 'triage', input: 'charged twice', onDone: 'done', onError: 'failed' },
          },
          done: { type: 'final' },
          failed: { type: 'final' },
        },
        output: ({ context }) => context,
      });
      const checkpointer = new MemoryCheckpointer();
      const agent = createAgent({ machine, models: { fast: model }, checkpointer });
      const reported: string[] = [];
      agent.events.on(
        'listener.error' as never,
        ((event: { eventType: string }) => reported.push(event.eventType)) as never,
      );
      agent.events.on(type, () => {
        throw new Error(`listener of ${type} broke`);
      });
      const outcome = await within(agent.run({ threadId: 't', input: undefined }), 5_000, 'run');
      expect(outcome.status).toBe('done');
      expect(agent.machine.getInitialSnapshot).toBeDefined();
      expect((await checkpointer.latest('t'))?.run.status).toBe('done');
      const snapshot = (await checkpointer.latest('t'))?.snapshot as { value: string };
      expect(snapshot.value).toBe('done');
      expect(model.requests).toHaveLength(1);
      expect(reported).toContain(type);
    },
  );

  it('lets a process whose runs all rest exit by itself, a 24-hour human wait notwithstanding', async () => {
    const script = join(here, 'fixtures/resting-process.ts');
    const child = spawn(
      process.execPath,
      ['--conditions=@agentchart/source', '--import', 'tsx', script],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const code = await within(
      new Promise<number | null>((resolve) => child.on('exit', resolve)),
      15_000,
      'the process with a resting run',
    ).finally(() => child.kill('SIGKILL'));
    expect(code).toBe(0);
    expect(JSON.parse(stdout.trim())).toMatchObject({ status: 'waiting' });
  });

  it('releases everything on agent.close(): later calls are refused and the thread resumes elsewhere', async () => {
    const checkpointer = new MemoryCheckpointer();
    const machine = setup({
      actors: { work: fromPromise(async () => sleep(20)) },
    }).createMachine({
      id: 'closable',
      initial: 'working',
      states: {
        working: { invoke: { src: 'work', onDone: 'idle' } },
        idle: { on: { GO: 'done' } },
        done: { type: 'final' },
      },
    });
    const first = createAgent({ machine, checkpointer });
    expect((await first.run({ threadId: 't', input: undefined })).status).toBe('waiting');
    await first.close();
    expect(() => first.start({ threadId: 'u', input: undefined })).toThrow(/closed/);
    const second = createAgent({ machine, checkpointer });
    const handle = await second.send('t', { type: 'GO' });
    expect((await handle.result()).status).toBe('done');
  });

  it('tells whoever awaits a run that close() handed back mid-work that it was handed back, not ended', async () => {
    const checkpointer = new MemoryCheckpointer();
    const { machine, step } = workUntilFinished();
    const first = createAgent({ machine, checkpointer });
    const ends: unknown[] = [];
    first.events.on('run.end', (event) => ends.push(event));
    const handle = first.start({ threadId: 't', input: undefined });
    await first.close({ timeoutMs: 10 });
    // Before, a plain `stopped`, as if the run had been ended.
    expect(await handle.result()).toMatchObject({ status: 'stopped', handedBack: true });
    expect(ends).toEqual([expect.objectContaining({ status: 'stopped', handedBack: true })]);
    expect((await checkpointer.latest('t'))?.run.status).toBe('running');
    const second = createAgent({ machine, checkpointer });
    // Its fromPromise actor has no journal: the restore starts it again, and says so.
    const warnings: string[] = [];
    second.events.on('agent.warning', ({ code }) => warnings.push(code));
    const resumed = await second.resume('t');
    step.finish();
    expect(await resumed.result()).toMatchObject({ status: 'done' });
    expect(warnings).toEqual(['restore.actor_restarted']);
    // A run ended by stop() is not handed back.
    const stopped = await second.start({ threadId: 'u', input: undefined }).stop();
    expect(stopped).toMatchObject({ status: 'stopped' });
    expect(stopped).not.toHaveProperty('handedBack');
  });

  it('warns of a plain actor a restore started again once per agent and place, not once per thread', async () => {
    const checkpointer = new MemoryCheckpointer();
    const machine = setup({
      actors: { work: fromPromise(() => new Promise<void>(() => {})) },
    }).createMachine({
      id: 'slow',
      initial: 'working',
      states: { working: { invoke: { src: 'work' } } },
    });
    const first = createAgent({ machine, checkpointer });
    for (const threadId of ['a', 'b', 'c']) first.start({ threadId, input: undefined });
    await first.close({ timeoutMs: 10 });
    const second = createAgent({ machine, checkpointer });
    const warnings: string[] = [];
    second.events.on('agent.warning', ({ code }) => warnings.push(code));
    for (const threadId of ['a', 'b', 'c']) await second.resume(threadId);
    // Before: one per thread; a restart that took back a thousand threads printed a thousand.
    expect(warnings).toEqual(['restore.actor_restarted']);
    await second.close({ timeoutMs: 10 });
  });

  it('says a reply found no wait when the thread it resumed to deliver it came to rest without one', async () => {
    const checkpointer = new MemoryCheckpointer();
    const { machine, step } = workUntilFinished();
    const first = createAgent({ machine, checkpointer });
    first.start({ threadId: 't', input: undefined });
    await first.close({ timeoutMs: 10 });
    const second = createAgent({ machine, checkpointer });
    const warnings: string[] = [];
    second.events.on('agent.warning', ({ code }) => warnings.push(code));
    const before = step.finish;
    const replied = second.send('t', { type: 'human.reply', value: 'yes' });
    // The resumed run's work started again: let it finish.
    await vi.waitFor(() => expect(step.finish).not.toBe(before));
    step.finish();
    // Before: "has ended (done); "human.reply" cannot be delivered", as if it had ended first.
    await expect(replied).rejects.toMatchObject({
      code: 'run.not_waiting',
      message: expect.stringMatching(
        /had no pending human wait.*resumed to receive it and came to rest done/,
      ),
    });
    expect(warnings).toEqual(['restore.actor_restarted']);
  });
});

describe('a reply to a thread that had ended (issue 9)', () => {
  it('is told the thread has ended, by agent.send() and another agent as by the handle', async () => {
    // Before: agent.send() said the thread "was resumed to receive it and came to rest done
    // without asking one", as if the reply had moved it on; the handle said it had ended.
    const checkpointer = new MemoryCheckpointer();
    const machine = setup({}).createMachine({
      id: 'quick',
      initial: 'done',
      states: { done: { type: 'final' } },
    });
    const agent = createAgent({ machine, checkpointer });
    const handle = agent.start({ threadId: 'q', input: undefined });
    expect((await handle.result()).status).toBe('done');
    const ended = {
      code: 'run.not_waiting',
      message: expect.stringMatching(
        /^Thread "q" has ended \(done\); "human.reply" cannot be delivered/,
      ),
    };
    expect(() => handle.reply('yes')).toThrow(expect.objectContaining(ended));
    await expect(agent.send('q', { type: 'human.reply', value: 'yes' })).rejects.toMatchObject(
      ended,
    );
    await agent.close();
    const other = createAgent({ machine, checkpointer });
    await expect(other.send('q', { type: 'human.reply', value: 'yes' })).rejects.toMatchObject(
      ended,
    );
    await other.close();
  });
});

describe('a reply to a wait already answered (issue 9)', () => {
  it.each([
    ['memory', () => new MemoryCheckpointer()],
    ['SQLite', () => new SqliteCheckpointer({ path: ':memory:' })],
  ])(
    'names the wait the thread is on instead, not "came to rest without asking one" (%s)',
    async (_store, open) => {
      const checkpointer = open();
      const ask = humanWait({ prompt: (who: string) => `${who}: approve?`, reply: z.boolean() });
      const machine = setup({ actors: { ask } }).createMachine({
        id: 'two-approvals',
        initial: 'manager',
        states: {
          manager: { invoke: { src: 'ask', input: 'manager', onDone: 'finance' } },
          finance: { invoke: { src: 'ask', input: 'finance', onDone: 'done' } },
          done: { type: 'final' },
        },
      });
      const agent = createAgent({ machine, checkpointer });
      const first = await agent.start({ threadId: 't', input: undefined }).result();
      const manager = first.status === 'waiting' ? first.waits[0]!.waitId : '';
      const reply = { type: 'human.reply' as const, value: true, waitId: manager };
      const second = await (await agent.send('t', reply)).result();
      const finance = second.status === 'waiting' ? second.waits[0]!.waitId : '';
      expect(finance).not.toBe(manager);
      // The same reply again, the thread evicted meanwhile: refused, naming the finance wait.
      await expect(agent.send('t', reply)).rejects.toMatchObject({
        code: 'run.not_waiting',
        message: expect.stringContaining(`It is waiting on "${finance}" instead`),
        details: { pending: [finance], waitId: manager },
      });
      await agent.close();
    },
  );
});

/** A machine whose one step runs until `step.finish()`; each start of the step waits anew. */
function workUntilFinished() {
  const step = { finish: () => {} };
  const machine = setup({
    actors: {
      work: fromPromise(
        () =>
          new Promise<void>((resolve) => {
            step.finish = resolve;
          }),
      ),
    },
  }).createMachine({
    id: 'slow',
    initial: 'working',
    states: { working: { invoke: { src: 'work', onDone: 'done' } }, done: { type: 'final' } },
  });
  return { machine, step };
}
