import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, SqliteCheckpointer } from '@agentchart/core';
import { manualClock, type ScriptedModel, scriptedModel } from '@agentchart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { deskTimeoutMs, supportTriageMachine } from './agent';
import { sampleTickets } from './tickets';

const ticket = sampleTickets[2]!;
const unsure = { category: 'shipping', priority: 'normal', confidence: 0.7, summary: 'damaged' };

describe('the desk deadline, on a manual clock', () => {
  let directory: string | undefined;
  afterEach(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('takes a reply, or a day of silence, across a restart of the process', async () => {
    directory = mkdtempSync(join(tmpdir(), 'support-deadline-'));
    const path = join(directory, 'support.db');
    // Every process of the test reads one manual clock: time moves only when the test says.
    const clock = manualClock(Date.UTC(2026, 0, 5, 9));
    const stores: SqliteCheckpointer[] = [];
    const models: ScriptedModel[] = [];
    const startProcess = () => {
      const checkpointer = new SqliteCheckpointer({ path });
      const triage = scriptedModel({ handler: () => ({ json: unsure }) });
      stores.push(checkpointer);
      models.push(triage);
      return createAgent({
        machine: supportTriageMachine(),
        models: { triage },
        checkpointer,
        clock,
      });
    };

    const intake = startProcess();
    for (const threadId of ['answered', 'silent']) {
      const outcome = await intake.run({ threadId, input: { ticket } });
      expect(outcome.status).toBe('waiting');
    }
    await intake.close(); // the process ends; the waits rest in the file

    // An hour later another process answers one of them.
    await clock.advance(60 * 60 * 1_000);
    const desk = startProcess();
    const reply = await desk.send('answered', {
      type: 'human.reply',
      value: { category: 'shipping', note: 'courier damaged it' },
    });
    expect(await reply.result()).toMatchObject({
      status: 'done',
      output: { status: 'routed', decidedBy: 'desk' },
    });

    // A day after the escalation nobody answered the other: resumed, it times out at once.
    await clock.advance(deskTimeoutMs);
    const late = await desk.resume('silent');
    expect(await late.result()).toMatchObject({
      status: 'done',
      output: { status: 'unanswered' },
    });
    // The desk asked the model nothing: both triages came back from the journal.
    expect(models.map((model) => model.requests.length)).toEqual([2, 0]);
    await desk.close();
    for (const store of stores) store.close();
  });
});
