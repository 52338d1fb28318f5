import { startThrowawayPostgres, type ThrowawayPostgres } from '@agentchart/postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModel } from '../src/demo-model';
import { supportAgentOnPostgres } from '../src/on-postgres';
import { sampleTickets } from '../src/tickets';

let server: ThrowawayPostgres | undefined;
beforeAll(async () => {
  server = await startThrowawayPostgres();
});
afterAll(() => server?.stop());

describe('the support agent on PostgreSQL', () => {
  it('escalates in one agent and is answered by another on the same database', async () => {
    const url = server!.connectionString;
    const parcel = sampleTickets.find((ticket) => ticket.id === 'SUP-103')!;
    const intake = supportAgentOnPostgres(demoModel(), url);
    expect(
      (await intake.agent.run({ threadId: parcel.id, input: { ticket: parcel } })).status,
    ).toBe('waiting');
    await intake.close();

    const desk = supportAgentOnPostgres(demoModel(), url);
    const handle = await desk.agent.send(parcel.id, {
      type: 'human.reply',
      value: { category: 'shipping' },
    });
    expect(await handle.result()).toMatchObject({
      status: 'done',
      output: { status: 'routed', category: 'shipping', decidedBy: 'desk' },
      usage: { modelCalls: 1 },
    });
    await desk.close();
  });
});
