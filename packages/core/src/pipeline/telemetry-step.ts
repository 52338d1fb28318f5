import { elapsedSince } from '../clock/clock';
import { serializeError } from '../errors/agentchart-error';
import type { ModelCallMiddleware } from './types';

/**
 * Reports every call that is really made (not one answered from the journal on resume) on
 * the run's event stream: the budget ledger, `llm.call.start`, then `llm.call.end` with
 * tokens, cost, latency, retries and cache hit — or `llm.call.error`.
 */
export function telemetryStep(): ModelCallMiddleware {
  return {
    name: 'telemetry',
    // Not an async function: while the call is in flight it keeps two small closures, not
    // a suspended frame (see `composePipeline`).
    call(call, next) {
      const { scope, callId, ledger } = call;
      const { events, clock } = scope.run;
      const { threadId, site } = scope;
      const primary = call.models[0]!;
      // Every call's path: no payload is built when nobody listens (the stream drops it then).
      if (ledger && events.isObserved('budget.ledger')) {
        events.emit('budget.ledger', threadId, { site, callId, ledger });
      }
      if (events.isObserved('llm.call.start')) {
        events.emit('llm.call.start', threadId, {
          site,
          callId,
          model: primary.modelName,
          endpoint: primary.endpoint,
          inputHash: call.requestHash ?? '',
          request: call.request,
          ...(call.settings.prompt ? { prompt: call.settings.prompt } : {}),
        });
      }
      const started = clock.now();
      return next(call).then(
        (outcome) => {
          if (!events.isObserved('llm.call.end')) return outcome;
          events.emit('llm.call.end', threadId, {
            site,
            callId,
            model: outcome.model,
            usage: outcome.response.usage,
            latencyMs: elapsedSince(clock, started),
            costUsd: outcome.costUsd,
            finishReason: outcome.response.finishReason,
            cached: outcome.cached,
            retries: Math.max(0, outcome.attempts - 1),
            response: outcome.response,
          });
          return outcome;
        },
        (error: unknown) => {
          if (events.isObserved('llm.call.error')) {
            events.emit('llm.call.error', threadId, {
              site,
              callId,
              model: primary.modelName,
              error: serializeError(error),
            });
          }
          throw error;
        },
      );
    },
  };
}
