import type {
  ModelCall,
  ModelCallMiddleware,
  ModelCallNext,
  ModelCallOutcome,
  ModelCallPipeline,
} from './types';

/**
 * Chains middleware in order (the first sees the call first and the outcome last) in front
 * of `last`, which makes the call. Composed once per agent, not per call.
 *
 * Every link hands on a promise: a step that throws before it returns one (a middleware that
 * is not an `async` function, say) rejects its link instead of throwing into the step before
 * it. So a step may chain its after-work on `next(call)` with `.then` rather than await it in
 * an `async` function, and a call in flight holds no suspended frame for a step that only
 * passes it on (see the built-in steps).
 */
export function composePipeline(
  middleware: readonly ModelCallMiddleware[],
  last: ModelCallNext,
): ModelCallPipeline {
  let next: ModelCallNext = link((call) => last(call));
  for (let index = middleware.length - 1; index >= 0; index--) {
    const step = middleware[index]!;
    const inner = next;
    next = link((call) => step.call(call, inner));
  }
  return next;
}

/** `pass` as a link that always returns a promise, its synchronous throws as rejections. */
function link(pass: (call: ModelCall) => Promise<ModelCallOutcome>): ModelCallNext {
  return (call) => {
    try {
      // No new promise for a native one (what every step returns); a thenable is adopted.
      return Promise.resolve(pass(call));
    } catch (error) {
      return Promise.reject(error);
    }
  };
}
