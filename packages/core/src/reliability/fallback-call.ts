import type { Clock, Random } from '../clock/clock';
import { ModelCallError } from '../model/model-call-error';
import type { BreakerWatch } from './breaker-watchers';
import {
  callModelWithRetries,
  type ModelAttemptsOutcome,
  type RetrySettings,
} from './call-model-with-retries';
import type { CallScope } from './call-scope';
import type { EndpointGuardRegistry } from './endpoint-guards';
import type { ReliabilityEvents } from './reliability-events';
import type { ModelCallOptions, ModelCallResult } from './types';

/** What every call of one policy shares: its settings, guards and events. */
export interface PolicyServices {
  settings: RetrySettings;
  registry: EndpointGuardRegistry;
  events: ReliabilityEvents;
  clock: Clock;
  random: Random;
}

/**
 * One logical call through a policy: its models in order, each with its retries, until one
 * answers or none is left. A chain of promises over one object, not an async function's loop:
 * while the call is in flight it holds this object, not a suspended frame.
 */
export class FallbackCall {
  readonly #services: PolicyServices;
  readonly #options: ModelCallOptions;
  readonly #scope: CallScope;
  readonly #watch: BreakerWatch | undefined;
  /** Attempts of the whole logical call, across models. */
  readonly #tally = { attempts: 0 };
  /** Each model the call moved on from, and why: what the call's error says when none is left. */
  readonly #gaveUp: string[] = [];

  /**
   * @param watch The call's registration for breaker changes of its models' endpoints,
   * stopped when the call ends, whichever way.
   */
  constructor(
    services: PolicyServices,
    options: ModelCallOptions,
    scope: CallScope,
    watch: BreakerWatch | undefined,
  ) {
    this.#services = services;
    this.#options = options;
    this.#scope = scope;
    this.#watch = watch;
  }

  /** Tries `models[index]` and, when it cannot serve the call, the models after it. */
  from(index: number): Promise<ModelCallResult> {
    const services = this.#services;
    const options = this.#options;
    const model = options.models[index]!;
    let attempts: Promise<ModelAttemptsOutcome>;
    try {
      attempts = callModelWithRetries({
        model,
        request: options.request,
        scope: this.#scope,
        guards: services.registry.guardsFor(model.endpoint),
        settings: services.settings,
        events: services.events,
        clock: services.clock,
        random: services.random,
        tally: this.#tally,
        onToken: options.onToken,
        onRetry: options.onRetry,
        estimatedInputTokens: options.estimatedInputTokens,
      });
    } catch (error) {
      attempts = Promise.reject(error);
    }
    return attempts.then(
      (outcome) => this.#attempted(index, outcome),
      (error: unknown) => {
        this.#watch?.stop();
        throw error instanceof ModelCallError ? this.#chainError(error, index) : error;
      },
    );
  }

  #attempted(
    index: number,
    outcome: ModelAttemptsOutcome,
  ): ModelCallResult | Promise<ModelCallResult> {
    const { models, onFallback } = this.#options;
    const model = models[index]!;
    try {
      if ('response' in outcome) {
        this.#watch?.stop();
        return { response: outcome.response, model, attempts: this.#tally.attempts };
      }
      const next = models[index + 1];
      // No model left: the last one's error is the call's.
      if (!next) throw this.#chainError(outcome.fallback, index);
      const fallback = { from: model.endpoint, to: next.endpoint, reason: outcome.reason };
      this.#gaveUp.push(`${model.endpoint} gave up: ${outcome.reason}`);
      this.#services.events.emit('fallback', fallback);
      onFallback?.(fallback);
    } catch (error) {
      this.#watch?.stop();
      throw error;
    }
    return this.from(index + 1);
  }

  /**
   * The error of the model at `index`, its message led by what became of the models before
   * it: alone, it read as if that model were the only one tried, and told a caller with a
   * fallback chain to add one. An error that stopped the call before the chain's last model
   * (fatal, the caller's abort, the deadline) says which models were never tried.
   */
  #chainError(last: ModelCallError, index: number): ModelCallError {
    if (this.#gaveUp.length === 0) return last;
    const { models } = this.#options;
    const model = models[index]!;
    const untried = models.slice(index + 1).map((next) => next.endpoint);
    const lead =
      untried.length === 0
        ? `None of the ${models.length} models of the chain answered. ${this.#gaveUp.join('. ')}. Then the last, ${model.endpoint}`
        : `The call stopped at model ${index + 1} of the chain's ${models.length}, before ${untried.join(', ')} ${untried.length === 1 ? 'was' : 'were'} tried. ${this.#gaveUp.join('. ')}. Then ${model.endpoint}`;
    return new ModelCallError({
      kind: last.kind,
      endpoint: last.endpoint,
      status: last.status,
      retryAfterMs: last.retryAfterMs,
      message: `${lead}: ${last.message}`,
      cause: last,
    });
  }
}
