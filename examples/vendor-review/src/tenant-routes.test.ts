import { SqliteCheckpointer } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { demoModel } from './demo-model';
import { answerReview, startReview } from './tenant-routes';
import { vendorReviewAgent } from './vendor-review';

const highRisk = { vendor: 'Northwind Shipping', amount: 25_000 };

describe('tenant routes', () => {
  it("answers a review's approval for its tenant only, and refuses a review id in use", async () => {
    const checkpointer = new SqliteCheckpointer({ path: ':memory:' });
    const agent = vendorReviewAgent({ model: demoModel(), checkpointer });
    const started = await startReview(agent, { tenantId: 'acme', reviewId: 'R-1', ...highRisk });
    expect(started).toEqual({ status: 200, body: { status: 'waiting' } });

    // Another service process, on the same database.
    const other = vendorReviewAgent({ model: demoModel(), checkpointer });
    const again = await startReview(other, { tenantId: 'globex', reviewId: 'R-1', ...highRisk });
    expect(again).toEqual({ status: 409, body: { error: 'review id already in use' } });
    const intruder = await answerReview(other, {
      tenantId: 'globex',
      reviewId: 'R-1',
      approved: true,
    });
    expect(intruder).toEqual({ status: 404, body: { error: 'no such review' } });
    expect((await other.getCheckpoint('R-1'))?.run.status).toBe('waiting');

    const answered = await answerReview(other, {
      tenantId: 'acme',
      reviewId: 'R-1',
      approved: true,
    });
    expect(answered).toEqual({ status: 200, body: { status: 'done' } });
    await Promise.all([agent.close(), other.close()]);
  });
});
