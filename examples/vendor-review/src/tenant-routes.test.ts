import { SqliteCheckpointer } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { demoModel } from './demo-model';
import { answerReview, reviewThreadId, startReview } from './tenant-routes';
import { vendorReviewAgent } from './vendor-review';

const highRisk = { vendor: 'Northwind Shipping', amount: 25_000 };

describe('tenant routes', () => {
  it("keeps each tenant's review ids apart, and answers a review for its tenant only", async () => {
    const checkpointer = new SqliteCheckpointer({ path: ':memory:' });
    const agent = vendorReviewAgent({ model: demoModel(), checkpointer });
    const started = await startReview(agent, { tenantId: 'acme', reviewId: 'R-1', ...highRisk });
    expect(started).toEqual({ status: 200, body: { status: 'waiting' } });
    const again = await startReview(agent, { tenantId: 'acme', reviewId: 'R-1', ...highRisk });
    expect(again).toEqual({ status: 409, body: { error: 'review id already in use' } });

    // Another service process, on the same database. Before, globex's R-1 was refused as
    // acme's (409: globex learnt that another tenant has a review R-1, and could take the ids
    // acme would use next), and a tenant `acme:x` would have met acme's `x`.
    const other = vendorReviewAgent({ model: demoModel(), checkpointer });
    const own = await startReview(other, { tenantId: 'globex', reviewId: 'R-1', ...highRisk });
    expect(own).toEqual({ status: 200, body: { status: 'waiting' } });
    expect(reviewThreadId('acme:x', 'y')).not.toBe(reviewThreadId('acme', 'x:y'));
    const answeredOwn = await answerReview(other, {
      tenantId: 'globex',
      reviewId: 'R-1',
      approved: true,
    });
    expect(answeredOwn).toEqual({ status: 200, body: { status: 'done' } });
    expect((await other.getCheckpoint(reviewThreadId('acme', 'R-1')))?.run.status).toBe('waiting');

    // A thread id learnt from acme, sent as globex, reaches nothing.
    const reply = { type: 'human.reply', value: { approved: true } } as const;
    await expect(
      other.send(reviewThreadId('acme', 'R-1'), reply, { tenantId: 'globex' }),
    ).rejects.toMatchObject({ code: 'run.wrong_tenant' });
    const answered = await answerReview(agent, {
      tenantId: 'acme',
      reviewId: 'R-1',
      approved: true,
    });
    expect(answered).toEqual({ status: 200, body: { status: 'done' } });
    await Promise.all([agent.close(), other.close()]);
  });
});
