import { describe, expect, it } from 'vitest';
import type { InvoiceMachineOptions } from '../../test/fixtures/invoice-agent';
import { invoiceMachine, invoiceResponse, memoryLedger } from '../../test/fixtures/invoice-agent';
import { ReplayError } from '../ledger/replay-error';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import type { Checkpointer } from '../store/types';
import { manualClock } from '../testing/manual-clock';
import { scriptedModel } from '../testing/scripted-model';
import { createAgent } from './create-agent';

const approve = { type: 'human.reply', value: { approved: true } } as const;

/** Records one invoice thread to the end on a store. */
async function recordedThread() {
  const checkpointer = new MemoryCheckpointer();
  const agent = createAgent({
    machine: invoiceMachine({ ledger: memoryLedger() }),
    models: { fast: scriptedModel({ handler: invoiceResponse }) },
    checkpointer,
  });
  await agent.start({ threadId: 't', input: { request: 'invoice c-42' } }).result();
  const recorded = await (await agent.send('t', approve)).result();
  return { checkpointer, recorded };
}

/** An agent on `checkpointer` whose model and unsafe tool fail the test if anything calls them. */
function replayAgent(checkpointer: Checkpointer, options: Partial<InvoiceMachineOptions> = {}) {
  const model = scriptedModel({
    handler: () => {
      throw new Error('a replay called the model');
    },
  });
  const ledger = {
    ...memoryLedger(),
    send: () => {
      throw new Error('a replay ran the unsafe tool');
    },
  };
  const agent = createAgent({
    machine: invoiceMachine({ ledger, ...options }),
    models: { fast: model },
    checkpointer,
  });
  return { agent, model };
}

describe('replayThread (agent.replay)', () => {
  it('re-runs a recorded thread from its journal to the same outcome, calling nothing', async () => {
    const { checkpointer, recorded } = await recordedThread();
    const { agent, model } = replayAgent(checkpointer);
    const journalBefore = await checkpointer.listEffects('t');
    const replayed = await agent.replay('t');
    expect(replayed.status).toBe('done');
    expect(replayed.status === 'done' && replayed.output).toEqual(
      recorded.status === 'done' && recorded.output,
    );
    expect(replayed.usage.modelCalls).toBe(recorded.usage.modelCalls);
    expect(model.requests).toHaveLength(0);
    expect(await checkpointer.listEffects('t')).toEqual(journalBefore);
  });

  it('reports no checkpoint write, since a replay writes nothing', async () => {
    const { checkpointer } = await recordedThread();
    const { agent } = replayAgent(checkpointer);
    const checkpointsBefore = await checkpointer.list('t');
    const types: string[] = [];
    await agent.replay('t', { onEvent: (event) => types.push(event.type) });
    // Before: `checkpoint.write { version: 1, bytes: -1 }`, a write that never reached the store.
    expect(types).toContain('run.end');
    expect(types).not.toContain('checkpoint.write');
    expect(await checkpointer.list('t')).toEqual(checkpointsBefore);
  });

  it('fails with replay.diverged naming the step when the code sends the model something else', async () => {
    const { checkpointer } = await recordedThread();
    const { agent } = replayAgent(checkpointer, { prompt: 'Bill the customer' });
    const error = await agent.replay('t').catch((caught) => caught);
    expect(ReplayError.isInstance(error)).toBe(true);
    expect(error.code).toBe('replay.diverged');
    expect(error.site).toBe('0.invoice.working');
    expect(error.key).toBe('0.invoice.working#0/0:llm');
    expect(error.message).toContain('model request differs');
    // Which part, quoted where it changed: before, only "prompt, history, tools or settings".
    expect(error.message).toContain(
      'message 1 of 1 (user) differs from character 1: recorded "Invoice the customer c-42 for 120", now "Bill the customer c-42 for 120"',
    );
  });

  it('fails with replay.missing_effect naming the step when the code takes another path', async () => {
    const { checkpointer } = await recordedThread();
    const { agent } = replayAgent(checkpointer, { planTwice: true });
    const error = await agent.replay('t').catch((caught) => caught);
    expect(error.code).toBe('replay.missing_effect');
    expect(error.site).toBe('0.invoice.replanning');
    expect(error.message).toContain('which the recorded run never took');
  });

  it('fails with replay.unreached_effect naming the first step the code no longer reaches', async () => {
    const { checkpointer } = await recordedThread();
    const { agent } = replayAgent(checkpointer, { skipApproval: true });
    // Before: resolved `done`, with the approval the recording asked for never reached.
    const error = await agent.replay('t').catch((caught) => caught);
    expect(ReplayError.isInstance(error)).toBe(true);
    expect(error.code).toBe('replay.unreached_effect');
    expect(error.key).toBe('0.invoice.approving#0/0:human');
    expect(error.site).toBe('0.invoice.approving');
    expect(error.message).toContain('ended done in "done" without reaching a step');
  });

  it('replays a thread stopped or handed back mid-step to the outcome its run had', async () => {
    for (const end of ['stop', 'close'] as const) {
      const checkpointer = new MemoryCheckpointer();
      // The first model call never answers: the clock its latency runs on never moves.
      const model = scriptedModel({
        handler: invoiceResponse,
        latencyMs: 1,
        clock: manualClock(0),
      });
      const recorder = createAgent({
        machine: invoiceMachine({ ledger: memoryLedger() }),
        models: { fast: model },
        checkpointer,
      });
      const calling = new Promise<void>((resolve) => {
        recorder.events.onAny((event) => {
          if (event.type === 'llm.call.start') resolve();
        });
      });
      const handle = recorder.start({ threadId: 't', input: { request: 'invoice c-42' } });
      await calling;
      if (end === 'stop') await handle.stop();
      else await recorder.close({ timeoutMs: 0 });
      const recorded = await handle.result();
      expect(recorded.status).toBe('stopped');
      const replay = replayAgent(checkpointer);
      // Before: `{ status: 'waiting', waits: [] }`, an outcome the recorded run never had.
      expect(await replay.agent.replay('t')).toEqual(recorded);
      expect(replay.model.requests).toHaveLength(0);
      await replay.agent.close();
    }
  });

  it('replays a thread that still waits up to its wait', async () => {
    const checkpointer = new MemoryCheckpointer();
    const recorder = createAgent({
      machine: invoiceMachine({ ledger: memoryLedger() }),
      models: { fast: scriptedModel({ handler: invoiceResponse }) },
      checkpointer,
    });
    await recorder.start({ threadId: 't', input: { request: 'invoice c-42' } }).result();
    const replayed = await replayAgent(checkpointer).agent.replay('t');
    expect(replayed).toMatchObject({
      status: 'waiting',
      waits: [{ prompt: expect.stringContaining('Approve?') }],
    });
  });
});
