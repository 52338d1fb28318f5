import { type Clock, systemClock } from '../clock/clock';
import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import type { ChatRequest, ChatResponse } from '../model/types';
import { validateNumberOption } from '../reliability/validate-option';
import type { ToolEffect } from '../tools/types';
import { cacheableResponse } from './cacheable-response';
import { MemoryResponseCacheStore } from './memory-response-cache-store';
import { requestCacheKey } from './request-cache-key';
import type { CacheMetrics, ResponseCacheStore } from './types';

/** Options of {@link createResponseCache}. */
export interface ResponseCacheOptions {
  /** How long an entry is served. Default one hour. */
  ttlMs?: number | undefined;
  /** For the default in-memory store. Default 1 000. */
  maxEntries?: number | undefined;
  /** Default: in memory. */
  store?: ResponseCacheStore | undefined;
  /** Expiry times. Default the system clock. */
  clock?: Clock | undefined;
  /** A fine-grained clock for hit latency (`performance.now`). Default `clock.now`. */
  now?: (() => number) | undefined;
}

/** Options of one {@link ResponseCache.call}. */
export interface CachedCallOptions {
  /** The model, best its endpoint (`ChatModel.endpoint`). */
  model: string;
  request: ChatRequest;
  /** The effects of the tools the request offers, by name: responses calling `unsafe` ones are not cached. */
  toolEffects?: Readonly<Record<string, ToolEffect>> | undefined;
  /** `false` skips the cache for this call, both ways. Default true. */
  cache?: boolean | undefined;
  /**
   * Keeps entries apart: a call is answered only from entries stored under the same
   * partition. The agent passes the run's tenant, so one tenant never gets another's answer
   * or learns, by a hit, what another asked.
   */
  partition?: string | undefined;
  /**
   * Whether the caller can use the answer (e.g. it matches the schema asked for). One it
   * cannot is not stored, nor served when found stored, so the next identical request asks
   * the model again instead of failing the same way. Default: every answer
   * {@link cacheableResponse} allows is usable.
   */
  // Typed as a method (checked as methods are: a narrower parameter is taken) that may be
  // undefined, as every option may (ADR 0080, 0090).
  usable?: { usable(response: ChatResponse): boolean }['usable'] | undefined;
  /** Makes the real call on a miss. */
  execute(): Promise<ChatResponse>;
  /**
   * The caller's abort signal: a call waiting for an identical one in flight stops waiting
   * when it fires, and goes on to its own `execute`, which sees the abort.
   */
  signal?: AbortSignal | undefined;
}

/** What {@link ResponseCache.call} returns. */
export interface CachedCallResult {
  response: ChatResponse;
  /** True when served from the cache: no tokens were billed. */
  hit: boolean;
  key: string;
}

/** An exact response cache with hit metrics. */
export interface ResponseCache {
  /** Serves the request from the cache, or makes the call and stores what may be stored. */
  call(options: CachedCallOptions): Promise<CachedCallResult>;
  /**
   * Drops the answer stored under `key` (a {@link CachedCallResult.key}): for an answer the
   * caller refused after it was stored (an output guard blocked it), which must not be served
   * to the next identical request. Optional for a cache of your own; the agent calls it when
   * it is there.
   */
  forget?(key: string): Promise<void>;
  metrics(): CacheMetrics;
}

/**
 * An exact response cache keyed by the normalised request ({@link requestCacheKey}): the same
 * model, messages, tools, schema and parameters get the stored answer without a model call.
 * Identical calls at the same time make one model call: while one is in flight, the others
 * wait for it and are served what it stored (a burst of runs starting alike pays once, not
 * once per run); if it stored nothing (it failed, or its answer may not be stored), each
 * makes its own call.
 * Each call can opt out; responses that call `unsafe` tools, truncated answers and refusals
 * are never stored ({@link cacheableResponse}), nor answers the caller cannot use (`usable`). In a run the cache sits inside the journaled
 * model call, so a replay still returns what the run saw.
 *
 * @example
 * ```ts
 * const cache = createResponseCache({ ttlMs: 10 * 60_000 });
 * const { response, hit } = await cache.call({
 *   model: model.endpoint,
 *   request,
 *   toolEffects: { buyer_history: 'pure' },
 *   execute: () => model.generate(request, { signal }),
 * });
 * ```
 */
export function createResponseCache(options: ResponseCacheOptions = {}): ResponseCache {
  // A misspelt `ttl` would leave answers served for the default hour.
  checkOptionNames('createResponseCache', options, [
    'ttlMs',
    'maxEntries',
    'store',
    'clock',
    'now',
  ]);
  const given = options.store;
  if (
    given !== undefined &&
    !['get', 'set', 'delete'].every(
      (method) =>
        typeof (given as unknown as Record<string, unknown> | null)?.[method] === 'function',
    )
  ) {
    // One without them was taken, and every lookup then missed without a word.
    throw new DefinitionError(
      'definition.invalid_option',
      `createResponseCache: store is ${describeValue(given)}, not a ResponseCacheStore. Give an object with get(key), set(key, entry) and delete(key), such as new SqliteResponseCacheStore({ path }), or leave it out for one in memory.`,
    );
  }
  // Before the default store is made with it, so the error names this function.
  if (options.maxEntries !== undefined) {
    validateNumberOption('createResponseCache', 'maxEntries', options.maxEntries, {
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
      integer: true,
      expected: 'a whole number of answers to keep, 1 or more (the least recently used goes first)',
    });
  }
  const {
    ttlMs = 3_600_000,
    maxEntries = 1_000,
    clock = systemClock,
    store = new MemoryResponseCacheStore({ maxEntries, clock }),
    now = () => clock.now(),
  } = options;
  if (options.store !== undefined && options.maxEntries !== undefined) {
    // The store keeps as many as it was made to: this one would be ignored.
    throw new DefinitionError(
      'definition.invalid_option',
      'createResponseCache: maxEntries applies to the built-in in-memory store only, and a store is given: it keeps as many answers as it was made to. Give maxEntries to that store, or leave the store out.',
    );
  }
  validateNumberOption('createResponseCache', 'ttlMs', ttlMs, {
    min: 0,
    exclusiveMin: true,
    max: Number.MAX_SAFE_INTEGER,
    expected:
      'how long an answer is served, in milliseconds, more than 0 (600_000 for ten minutes)',
  });
  let hits = 0;
  let misses = 0;
  let bypassed = 0;
  let hitLatencyTotal = 0;
  let hitLatencyMax = 0;
  /** The calls in flight by key: settled once their answer is stored (or they stored none). */
  const inFlight = new Map<string, Promise<void>>();

  return {
    async call({ model, request, toolEffects, cache = true, partition, usable, execute, signal }) {
      if (!cache) {
        bypassed++;
        return { response: await execute(), hit: false, key: '' };
      }
      const started = now();
      const key = requestCacheKey(model, request, partition);
      // Judged again when served: a tool that became `unsafe` since, or an answer stored by an
      // older version that the caller cannot use, is a miss rather than a replayed mistake.
      const stored = async () => {
        const entry = await store.get(key);
        return entry &&
          cacheableResponse(entry.response, toolEffects).cacheable &&
          (usable?.(entry.response) ?? true)
          ? entry
          : undefined;
      };
      let entry = await stored();
      const leader = entry ? undefined : inFlight.get(key);
      // The wait for the call in flight is the model's time, not the cache's: left out of
      // the hit latency, which measures what serving a hit costs.
      let waited = 0;
      if (leader) {
        const waitStarted = now();
        await settledOrAborted(leader, signal);
        waited = now() - waitStarted;
        entry = await stored();
      }
      if (entry) {
        // A copy: the caller may change the response; the cache must not change with it.
        const response = structuredClone(entry.response);
        const latency = now() - started - waited;
        hits++;
        hitLatencyTotal += latency;
        hitLatencyMax = Math.max(hitLatencyMax, latency);
        return { response, hit: true, key };
      }
      misses++;
      // A call that waited for another and found nothing stored goes alone: waiting again
      // could chain it behind every failing call. It still stores what it gets, so the next
      // identical request is a hit; it leads the calls after it only if no other call does.
      let done: (() => void) | undefined;
      if (!inFlight.has(key)) {
        inFlight.set(
          key,
          new Promise<void>((resolve) => {
            done = resolve;
          }),
        );
      }
      try {
        const response = await execute();
        if (cacheableResponse(response, toolEffects).cacheable && (usable?.(response) ?? true)) {
          const storedAt = clock.now();
          await store.set(key, {
            response: structuredClone(response),
            model,
            storedAt,
            expiresAt: storedAt + ttlMs,
            ...(partition === undefined ? {} : { partition }),
          });
        }
        return { response, hit: false, key };
      } finally {
        if (done) {
          inFlight.delete(key);
          done();
        }
      }
    },

    async forget(key) {
      if (key !== '') await store.delete(key);
    },

    metrics(): CacheMetrics {
      return {
        hits,
        misses,
        bypassed,
        hitRate: hits + misses === 0 ? 0 : hits / (hits + misses),
        meanHitLatencyMs: hits === 0 ? 0 : hitLatencyTotal / hits,
        maxHitLatencyMs: hitLatencyMax,
      };
    },
  };
}

/** Resolves when `leader` settles or `signal` aborts, whichever is first. */
function settledOrAborted(leader: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return leader;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = () => resolve();
    signal.addEventListener('abort', stop, { once: true });
    void leader.then(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    });
  });
}
