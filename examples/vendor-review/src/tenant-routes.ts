/**
 * What an HTTP service with several tenants does in its routes: a review's thread id is made
 * from the tenant the request is authenticated as and the review id it names, so one tenant's
 * review ids never meet another's; and every call on a thread names that tenant too, so a
 * thread id learnt from another tenant reaches nothing.
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

/**
 * The thread of a tenant's review. Thread ids are one namespace for every tenant of a store:
 * without the tenant in it, a review id one tenant took would be refused to every other
 * (telling them it exists). The tenant is encoded, so it holds no `:` and `a:b` + `c` never
 * names the thread of `a` + `b:c`.
 */
export function reviewThreadId(tenantId: string, reviewId: string): string {
  return `${encodeURIComponent(tenantId)}:${reviewId}`;
}

/** POST /reviews: starts the review `reviewId` for `tenantId`. */
export async function startReview(
  agent: VendorReviewAgent,
  request: { tenantId: string; reviewId: string; vendor: string; amount: number },
): Promise<RouteAnswer> {
  const { tenantId, reviewId, vendor, amount } = request;
  const threadId = reviewThreadId(tenantId, reviewId);
  try {
    const outcome = await agent.run({ threadId, tenantId, input: { vendor, amount } });
    return { status: 200, body: { status: outcome.status } };
  } catch (error) {
    // This tenant started this review already (in another process, or this one): it is fine.
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
    const threadId = reviewThreadId(tenantId, reviewId);
    const handle = await agent.send(threadId, reply, { tenantId });
    return { status: 200, body: { status: (await handle.result()).status } };
  } catch (error) {
    // Not this tenant's review (or none): answered as an unknown one, whoever holds it.
    if (RunError.isInstance(error) && error.code === 'run.wrong_tenant') {
      return { status: 404, body: { error: 'no such review' } };
    }
    throw error;
  }
}
