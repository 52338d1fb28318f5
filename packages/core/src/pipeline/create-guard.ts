import type { ChatRequest, ChatResponse } from '../model/types';
import { guardBlockedError } from './guard-blocked-error';
import type { ModelCall, ModelCallMiddleware } from './types';

/**
 * What a guard's check decides: nothing (the call goes on), `{ block: reason }` (it stops,
 * and the effect fails with `guard.blocked`), or `{ replace: value }` (it goes on with the
 * value changed — PII taken out of a request, say).
 */
export type GuardVerdict<T> = undefined | { block: string } | { replace: T };

/** Options of {@link createGuard}. */
export interface GuardOptions {
  /** Named in the `guard.blocked` error and the `guard.block` event. */
  name: string;
  /** Checks a request before it is sent, as the context budget fitted it. */
  input?: (
    request: ChatRequest,
    call: ModelCall,
  ) => GuardVerdict<ChatRequest> | Promise<GuardVerdict<ChatRequest>>;
  /**
   * Checks an answer before the effect uses it. A blocked answer was paid for: the journal
   * records it with its usage and cost, and the effect fails with `guard.blocked` (on a
   * resume too).
   */
  output?: (
    response: ChatResponse,
    call: ModelCall,
  ) => GuardVerdict<ChatResponse> | Promise<GuardVerdict<ChatResponse>>;
}

/**
 * A guard as model-call middleware: input and output checks around every model call of the
 * agent (give it to `createAgent({ middleware })`). What it stops fails the calling effect
 * with a `guard.blocked` {@link RunError} — `details.guard`, `details.stage`,
 * `details.reason` — that the chart routes like any other failure.
 *
 * @example
 * ```ts
 * const noCardNumbers = createGuard({
 *   name: 'no-card-numbers',
 *   output: (response) =>
 *     /\b\d{4}([ -]?\d{4}){3}\b/.test(response.content) ? { block: 'the answer holds a card number' } : undefined,
 * });
 * createAgent({ machine, models, middleware: [noCardNumbers] });
 * ```
 */
export function createGuard({ name, input, output }: GuardOptions): ModelCallMiddleware {
  return {
    name,
    async call(call, next) {
      const { scope, callId } = call;
      const report = (stage: 'input' | 'output', reason: string) =>
        scope.run.events.emit('guard.block', scope.threadId, {
          site: scope.site,
          callId,
          guard: name,
          stage,
          reason,
        });
      let current = call;
      if (input) {
        const verdict = await input(call.request, call);
        if (verdict && 'block' in verdict) {
          report('input', verdict.block);
          throw guardBlockedError({
            guard: name,
            reason: verdict.block,
            stage: 'input',
            model: call.models[0]!.modelName,
          });
        }
        if (verdict && 'replace' in verdict) current = { ...call, request: verdict.replace };
      }
      const outcome = await next(current);
      if (!output || outcome.blocked) return outcome;
      const verdict = await output(outcome.response, current);
      if (verdict && 'block' in verdict) {
        report('output', verdict.block);
        return { ...outcome, blocked: { guard: name, reason: verdict.block } };
      }
      if (verdict && 'replace' in verdict) return { ...outcome, response: verdict.replace };
      return outcome;
    },
  };
}
