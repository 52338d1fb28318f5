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
 */
export function composePipeline(
  middleware: readonly ModelCallMiddleware[],
  last: ModelCallNext,
): ModelCallPipeline {
  let next: ModelCallNext = last;
  for (const step of [...middleware].reverse()) {
    const inner = next;
    next = (call: ModelCall): Promise<ModelCallOutcome> => step.call(call, inner);
  }
  return next;
}
