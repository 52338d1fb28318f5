import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent';
import { effectLogRowOf } from '../run-log/effect-log-row';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import type { Checkpointer } from '../store/types';
import { type ManualClock, manualClock } from '../testing/manual-clock';
import { scriptedModel } from '../testing/scripted-model';
import { lead } from './reviewing-lead.test-support';

function leadOn(store: Checkpointer, clock: ManualClock) {
  return createAgent({
    machine: lead,
    models: { fast: scriptedModel({ responses: [{ json: { risk: 'low' } }] }) },
    checkpointer: store,
    clock,
  });
}

describe("a child agent's step in its parent's run log", () => {
  it('lasts from the child’s start to its end, across the rest that restored it', async () => {
    const store = new MemoryCheckpointer();
    const clock = manualClock(0);
    const first = leadOn(store, clock);
    expect((await first.start({ threadId: 'lead-1', input: undefined }).result()).status).toBe(
      'waiting',
    );
    await first.close();

    // The person answers ten minutes later, through another process.
    await clock.advance(600_000);
    const desk = leadOn(store, clock);
    const handle = await desk.send('lead-1', { type: 'human.reply', value: { ok: true } });
    expect((await handle.result()).status).toBe('done');

    const [step] = (await store.listEffects('lead-1')).filter((entry) => entry.kind === 'agent');
    // `agentchart show` and `runs` read it: a child that took ten minutes is not shown as
    // taking the few milliseconds since its parent was restored.
    expect(effectLogRowOf(step!).latencyMs).toBeGreaterThanOrEqual(600_000);
    await desk.close();
  });
});
