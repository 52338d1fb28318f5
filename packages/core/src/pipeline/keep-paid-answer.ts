import { describeThrown } from '../errors/describe-thrown';
import type { ModelCallMiddleware, ModelCallNext, ModelCallOutcome } from './types';

/**
 * `middleware` such that, when it throws after the model answered — a check of the answer
 * written as a throw, a logger that fails — the answer it threw over still reaches the journal,
 * marked blocked by it (`checkFailed`, with a `guard.block` event), as a guard's check that
 * throws does (ADR 0069, 0109).
 * Thrown past the journal step, the error would record the call as failed, which counts neither
 * its tokens nor its cost: a run limit on cost would never trip however many answers were paid
 * for, and the tenant's quota would be given back what was spent. One that throws before any
 * answer came back (nothing was paid) fails the call with its own error, as it always did.
 */
export function keepPaidAnswer(middleware: ModelCallMiddleware): ModelCallMiddleware {
  return {
    name: middleware.name,
    call(call, next) {
      let answered: ModelCallOutcome | undefined;
      const watched: ModelCallNext = (passed) =>
        next(passed).then((outcome) => {
          answered = outcome;
          return outcome;
        });
      let calling: Promise<ModelCallOutcome>;
      try {
        calling = Promise.resolve(middleware.call(call, watched));
      } catch (error) {
        return Promise.reject(error);
      }
      return calling.then(undefined, (error: unknown) => {
        if (answered === undefined) throw error;
        // Already blocked further in: that verdict and its record stand.
        if (answered.blocked) return answered;
        const guard = middleware.name;
        const reason = `the middleware threw after the answer came back (${describeThrown(error)})`;
        const { scope, callId } = call;
        scope.run.events.emit('guard.block', scope.threadId, {
          site: scope.site,
          callId,
          guard,
          stage: 'output',
          reason,
        });
        return { ...answered, blocked: { guard, reason, checkFailed: true } };
      });
    },
  };
}
