/**
 * What an HTTP service with several tenants does in its routes: every call on a thread names
 * the tenant the request is authenticated as, so a thread id learnt from another tenant
 * reaches nothing, and a review id already taken is a conflict, not a failed review.
 */
import { RunError } from '@agentchart/core';
import type { vendorReviewAgent } from './vendor-review';

/** The vendor review agent a service holds. */
export type VendorReviewAgent = ReturnType<typeof vendorReviewAgent>;

/** A route's answer: an HTTP status and a body. */
export interface RouteAnswer {
  status: number;
  body: unknown;
}

/** POST /reviews: starts the review `reviewId` for `tenantId`. */
export async function startReview(
  agent: VendorReviewAgent,
  request: { tenantId: string; reviewId: string; vendor: string; amount: number },
): Promise<RouteAnswer> {
  const { tenantId, reviewId, vendor, amount } = request;
  try {
    const outcome = await agent.run({ threadId: reviewId, tenantId, input: { vendor, amount } });
    return { status: 200, body: { status: outcome.status } };
  } catch (error) {
    // Another process (or this one) started this id already: its review is fine.
    if (RunError.isInstance(error) && error.code === 'run.already_running') {
      return { status: 409, body: { error: 'review id already in use' } };
    }
    throw error;
  }
}

/** POST /reviews/:reviewId/approval: answers the review's wait for a person. */
export async function answerReview(
  agent: VendorReviewAgent,
  request: { tenantId: string; reviewId: string; approved: boolean },
): Promise<RouteAnswer> {
  const { tenantId, reviewId, approved } = request;
  try {
    const reply = { type: 'human.reply', value: { approved } } as const;
    const handle = await agent.send(reviewId, reply, { tenantId });
    return { status: 200, body: { status: (await handle.result()).status } };
  } catch (error) {
    // Not this tenant's review (or none): answered as an unknown one, whoever holds it.
    if (RunError.isInstance(error) && error.code === 'run.wrong_tenant') {
      return { status: 404, body: { error: 'no such review' } };
    }
    throw error;
  }
}
