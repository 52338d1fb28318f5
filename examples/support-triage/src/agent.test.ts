import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryCheckpointer, SqliteCheckpointer } from '@agentchart/core';
import { testAgentPaths } from '@agentchart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { deskTimeoutMs, supportAgent, supportTriageMachine } from './agent';
import { demoModel } from './demo-model';
import { deskQueue } from './desk-queue';
import { sampleTickets } from './tickets';

const ticket = sampleTickets[0]!;
const triage = (category: string, confidence: number) => ({
  category,
  priority: 'normal',
  confidence,
  summary: 'a ticket',
});

describe('supportTriage paths', () => {
  it('ends every path where the chart says, failure edges, a desk timeout and limits included', async () => {
    const report = await testAgentPaths({
      machine: supportTriageMachine(),
      input: { ticket },
      effects: {
        classify: { outputs: [triage('billing', 0.95), triage('shipping', 0.7)] },
        askDesk: {
          outputs: [{ category: 'shipping', note: 'courier damaged it' }],
          failures: ['human-timeout'],
        },
      },
    });
    expect(report.failures).toEqual([]);
    expect(report.finalStates.sort()).toEqual(['"routed"', '"unanswered"']);
    // Every way to the desk says why, with the error's code when the model failed.
    const codes = report.paths.flatMap((path) =>
      path.name.includes('awaitingDesk') && path.outcome.status === 'done'
        ? [path.outcome.output.escalation?.code ?? 'none']
        : [],
    );
    expect(codes.filter((code) => code !== 'none').sort()).toEqual([
      'model.circuit_open',
      'model.circuit_open',
      'model.rate_limited',
      'model.rate_limited',
      'output.invalid',
      'output.invalid',
    ]);
  });
});

describe('supportAgent on the demo model', () => {
  it('routes confident tickets and sends the others to the desk, saying why', async () => {
    const agent = supportAgent({ model: demoModel(), checkpointer: new MemoryCheckpointer() });
    const outcomes = new Map<string, Awaited<ReturnType<typeof agent.run>>>();
    for (const sample of sampleTickets) {
      outcomes.set(sample.id, await agent.run({ threadId: sample.id, input: { ticket: sample } }));
    }
    const routed = [...outcomes].filter(([, outcome]) => outcome.status === 'done');
    expect(
      routed.map(([id, outcome]) => [
        id,
        outcome.status === 'done' && outcome.output.status === 'routed' && outcome.output.category,
      ]),
    ).toEqual([
      ['SUP-101', 'billing'],
      ['SUP-102', 'technical'],
      ['SUP-104', 'account'],
      ['SUP-105', 'shipping'],
    ]);
    const waits = (id: string) => {
      const outcome = outcomes.get(id);
      return outcome?.status === 'waiting' ? outcome.waits[0]?.prompt : outcome?.status;
    };
    expect(waits('SUP-103')).toContain('confidence 0.7 < 0.85. The model suggests shipping');
    expect(waits('SUP-106')).toContain('triage failed (output.refused)');
    expect(waits('SUP-107')).toContain('confidence 0.6 < 0.85');
    await agent.close();
  });
});

describe('the desk in another process', () => {
  let directory: string | undefined;
  afterEach(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('answers an escalated ticket with a second agent on the same SQLite file', async () => {
    directory = mkdtempSync(join(tmpdir(), 'support-desk-'));
    const path = join(directory, 'support.db');
    const [, , parcel] = sampleTickets;
    // The intake: the ticket is escalated and its run rests in the store; the agent goes away.
    const intakeStore = new SqliteCheckpointer({ path });
    const intakeModel = demoModel();
    const intake = supportAgent({ model: intakeModel, checkpointer: intakeStore });
    const waiting = await intake.run({ threadId: parcel!.id, input: { ticket: parcel! } });
    expect(waiting.status).toBe('waiting');
    await intake.close();
    intakeStore.close();

    // The desk: another agent on the same file reads the queue from the store and answers.
    const deskStore = new SqliteCheckpointer({ path });
    const queue = await deskQueue(deskStore);
    expect(queue).toMatchObject([
      { threadId: 'SUP-103', prompt: expect.stringContaining('confidence 0.7') },
    ]);
    // Due a day after the escalation (the deadline is set as the wait starts, a tick apart).
    expect((queue[0]?.deadline ?? 0) - (queue[0]?.since ?? 0)).toBeGreaterThan(
      deskTimeoutMs - 1_000,
    );
    const deskModel = demoModel();
    const desk = supportAgent({ model: deskModel, checkpointer: deskStore });
    await expect(
      desk.send('SUP-103', { type: 'human.reply', value: { category: 'parcels' } }),
    ).rejects.toMatchObject({ code: 'human.invalid_reply' });
    const handle = await desk.send('SUP-103', {
      type: 'human.reply',
      value: { category: 'shipping', note: 'courier damaged it' },
    });
    const done = await handle.result();
    expect(done).toMatchObject({
      status: 'done',
      output: {
        status: 'routed',
        category: 'shipping',
        decidedBy: 'desk',
        escalation: { reason: 'confidence 0.7 < 0.85' },
        note: 'courier damaged it',
      },
    });
    // The model call was made once, by the intake: the desk's process paid nothing again.
    expect(intakeModel.requests).toHaveLength(1);
    expect(deskModel.requests).toHaveLength(0);
    expect(done.usage.modelCalls).toBe(1);
    expect(await deskQueue(deskStore)).toEqual([]);
    await desk.close();
    deskStore.close();
  });
});
