import { MemoryCheckpointer, SqliteCheckpointer } from '@agentchart/core';
import { testAgentPaths } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { demoModel } from './demo-model';
import { vendorReviewAgent, vendorReviewMachine } from './vendor-review';

const lowRisk = { vendor: 'Acme Freight', amount: 4_800 };
const highRisk = { vendor: 'Northwind Shipping', amount: 25_000 };

describe('vendor review', () => {
  it('runs research and the risk check side by side as child agents, and counts their calls in the lead', async () => {
    const model = demoModel();
    const agent = vendorReviewAgent({ model, checkpointer: new MemoryCheckpointer() });
    const started: string[] = [];
    const ended: string[] = [];
    agent.events.on('run.start', ({ agent: name }) => started.push(name));
    agent.events.on('run.end', ({ threadId }) => ended.push(threadId));
    const outcome = await agent.run({ threadId: 'V-1', input: lowRisk });
    expect(outcome).toMatchObject({
      status: 'done',
      output: { decision: 'pay', memo: 'Registered, filings in order, risk cleared.' },
    });
    // Both children started before either ended.
    expect(started).toEqual(['vendorReview', 'researcher', 'riskOfficer']);
    // Two research calls, one risk call, the lead's memo: one usage for the family.
    expect(outcome.usage.modelCalls).toBe(4);
    expect(model.requests).toHaveLength(4);
    expect(ended.at(-1)).toBe('V-1');
    await agent.close();
  });

  it("waits for a person through the lead, and another process answers the child's wait there", async () => {
    const checkpointer = new SqliteCheckpointer({ path: ':memory:' });
    const first = vendorReviewAgent({ model: demoModel(), checkpointer });
    const waiting = await first.run({ threadId: 'V-2', input: highRisk });
    expect(waiting).toMatchObject({
      status: 'waiting',
      waits: [
        { prompt: 'Approve paying 25000 EUR to Northwind Shipping? (a large first payment)' },
      ],
      // The research finished and the risk check paid for its call: both already count.
      usage: { modelCalls: 3 },
    });
    await first.close();

    const desk = vendorReviewAgent({ model: demoModel(), checkpointer });
    const child = 'V-2/assessRisk#0';
    await expect(
      desk.send(child, { type: 'human.reply', value: { approved: true } }),
    ).rejects.toMatchObject({ code: 'run.child_thread' });
    const handle = await desk.send('V-2', { type: 'human.reply', value: { approved: true } });
    expect(await handle.result()).toMatchObject({
      status: 'done',
      output: { decision: 'reject', memo: 'Filings are not in order.' },
      usage: { modelCalls: 4 },
    });
    await desk.close();
  });

  it('escalates when the lead and its child agents reach the limits they share', async () => {
    const model = demoModel();
    const agent = vendorReviewAgent({ model, limits: { maxModelCalls: 2 } });
    const outcome = await agent.run({ threadId: 'V-3', input: lowRisk });
    // The risk check's call and the research's first use the two calls the family has: the
    // research's second is refused (the research ends `limit`), or the lead reaches the limit
    // first and stops it. Either way no third call is made, and a person takes over.
    expect(model.requests).toHaveLength(2);
    expect(outcome).toMatchObject({
      status: 'done',
      output: { decision: 'escalate', memo: expect.stringContaining('maxModelCalls') },
    });
    expect(outcome.usage.modelCalls).toBe(2);
    await agent.close();
  });

  it('stops both child agents with the lead, keeping what they used', async () => {
    const model = demoModel({ latencyMs: 50 });
    const agent = vendorReviewAgent({ model, checkpointer: new MemoryCheckpointer() });
    const handle = agent.start({ threadId: 'V-4', input: lowRisk });
    const ends: Record<string, string> = {};
    agent.events.on('run.end', ({ threadId, status }) => {
      ends[threadId] = status;
    });
    let callsEnded = 0;
    agent.events.on('llm.call.end', () => {
      callsEnded++;
    });
    // Once the risk check's call and the research's first came back, and the research is in
    // its second. (Waiting for the third request alone raced the risk check's answer, due at
    // the same moment as the research's first: on a loaded machine it could still be in
    // flight, and the stop then rightly counted one call.)
    for (let turn = 0; turn < 2_000 && (model.requests.length < 3 || callsEnded < 2); turn++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(callsEnded).toBeGreaterThanOrEqual(2);
    const stopped = await handle.stop();
    expect(stopped.status).toBe('stopped');
    expect(stopped.usage.modelCalls).toBeGreaterThanOrEqual(2);
    expect(ends['V-4/research#0']).toBe('stopped');
    await agent.close();
  });
});

const usage = {
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  modelCalls: 1,
  toolCalls: 0,
  steps: 1,
};

describe('vendor review paths', () => {
  it("ends every path where the chart says, whatever each child agent's result", async () => {
    const report = await testAgentPaths({
      machine: vendorReviewMachine,
      input: lowRisk,
      effects: {
        research: {
          outputs: [
            { status: 'done', threadId: 'r', output: { notes: 'Registered in NL.' }, usage },
            {
              status: 'limit',
              threadId: 'r',
              limit: { limit: 'maxModelCalls', value: 3, max: 2, familyThreadId: 't' },
              usage,
            },
          ],
        },
        assessRisk: {
          outputs: [
            {
              status: 'done',
              threadId: 'k',
              output: { risk: 'low', reason: 'small', approved: true },
              usage,
            },
            {
              status: 'failed',
              threadId: 'k',
              error: { name: 'ModelCallError', code: 'model.bad_request', message: 'refused' },
              usage,
            },
          ],
        },
        decide: { outputs: [{ decision: 'pay', memo: 'Cleared.' }] },
      },
    });
    expect(report.failures).toEqual([]);
    expect(new Set(report.finalStates)).toEqual(new Set(['"decided"', '"escalated"']));
  });
});
