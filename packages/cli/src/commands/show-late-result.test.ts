import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, defineTool, SqliteCheckpointer, toolCall } from '@agentchart/core';
import { afterEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { runCli } from '../cli';
import { buildRunTimeline } from '../studio/build-run-timeline';
import { memoryContext } from '../testing';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A thread stopped while its unsafe payment was in flight, which then went through. */
async function paidAfterStop(path: string) {
  let letThrough!: () => void;
  const open = new Promise<void>((resolve) => {
    letThrough = resolve;
  });
  let reached!: () => void;
  const started = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const pay = defineTool({
    name: 'pay',
    description: 'Pays; does not stop when asked to.',
    input: z.object({}),
    output: z.object({ receipt: z.string() }),
    effect: 'unsafe',
    approval: 'never',
    execute: async () => {
      reached();
      await open;
      return { receipt: 'r-1' };
    },
  });
  const machine = setup({ actors: { pay: toolCall(pay) } }).createMachine({
    id: 'paying',
    initial: 'paying',
    states: {
      paying: { invoke: { src: 'pay', input: {}, onDone: 'done' } },
      done: { type: 'final' },
    },
  });
  const checkpointer = new SqliteCheckpointer({ path, synchronous: 'normal' });
  const agent = createAgent({ machine, checkpointer });
  const handle = agent.start({ threadId: 's', input: undefined });
  await started;
  await handle.stop();
  letThrough();
  await agent.close();
  const [step] = await checkpointer.listEffects('s');
  checkpointer.close();
  expect(step).toMatchObject({
    status: 'started',
    meta: { lateResult: { output: { receipt: 'r-1' } } },
  });
  return step!;
}

describe('a step whose unsafe tool returned after its run ended', () => {
  it('is shown by agentchart show and the studio with what it returned, not as a plain started step', async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentchart-late-'));
    const path = join(dir, 'runs.db');
    const step = await paidAfterStop(path);

    const shown = memoryContext({ cwd: dir });
    expect(await runCli(['show', 's', '--db', path], shown.context)).toBe(0);
    // Before: "tool  pay  started" and nothing else: a payment made read as one maybe never sent.
    const line = shown
      .stdout()
      .split('\n')
      .find((text) => text.includes(step.key));
    expect(line).toContain('started, returned late');
    expect(line).toContain('returned after its run ended or its state was left');
    expect(line).toContain('{"receipt":"r-1"}');

    const json = memoryContext({ cwd: dir });
    expect(await runCli(['show', 's', '--db', path, '--json'], json.context)).toBe(0);
    const item = (
      JSON.parse(json.stdout()).timeline as { type: string; lateResult?: unknown }[]
    ).find((entry) => entry.type === 'step');
    expect(item?.lateResult).toMatchObject({ output: { receipt: 'r-1' } });

    const { steps } = buildRunTimeline({ checkpoints: [], journal: [step], endedAt: Date.now() });
    expect(steps[0]).toMatchObject({
      status: 'started',
      lateResult: { output: { receipt: 'r-1' }, finishedAt: expect.any(Number) },
    });
  });
});
