import { describe, expect, it } from 'vitest';
import type { ChatRequest, ChatResponse } from '../model/types';
import { manualClock } from '../testing/manual-clock';
import { cacheableResponse } from './cacheable-response';
import { createResponseCache } from './create-response-cache';
import { MemoryResponseCacheStore } from './memory-response-cache-store';

const request = (content: string): ChatRequest => ({ messages: [{ role: 'user', content }] });
const answer = (content: string, extra: Partial<ChatResponse> = {}): ChatResponse => ({
  content,
  toolCalls: [],
  usage: { inputTokens: 10, outputTokens: 2 },
  finishReason: 'stop',
  ...extra,
});

function counting(response: ChatResponse = answer('hi')) {
  let calls = 0;
  return {
    execute: async () => {
      calls++;
      return response;
    },
    calls: () => calls,
  };
}

describe('createResponseCache', () => {
  it("stores each answer under its partition, so a tenant's answers can be deleted from the store", async () => {
    const store = new MemoryResponseCacheStore();
    const cache = createResponseCache({ store });
    const model = counting();
    const call = (partition: string) =>
      cache.call({ model: 'm', request: request('a'), partition, execute: model.execute });
    await call('acme');
    await call('globex');
    expect(await store.deletePartition('acme')).toBe(1);
    expect((await call('acme')).hit).toBe(false);
    expect((await call('globex')).hit).toBe(true);
  });

  it('serves a repeated request from the cache and reports hits, misses and hit rate', async () => {
    const cache = createResponseCache({ clock: manualClock(0) });
    const model = counting();
    const first = await cache.call({ model: 'm', request: request('a'), execute: model.execute });
    const second = await cache.call({ model: 'm', request: request('a'), execute: model.execute });
    await cache.call({ model: 'm', request: request('b'), execute: model.execute });
    expect(first.hit).toBe(false);
    expect(second).toMatchObject({ hit: true, response: { content: 'hi' }, key: first.key });
    expect(model.calls()).toBe(2);
    expect(cache.metrics()).toMatchObject({ hits: 1, misses: 2, bypassed: 0, hitRate: 1 / 3 });
  });

  it('makes one model call for identical calls at the same time, serving the rest what it stored', async () => {
    const cache = createResponseCache({ clock: manualClock(0) });
    let calls = 0;
    let answerNow!: () => void;
    const gate = new Promise<void>((resolve) => {
      answerNow = resolve;
    });
    const execute = async () => {
      calls++;
      await gate;
      return answer('one answer');
    };
    const burst = Array.from({ length: 20 }, () =>
      cache.call({ model: 'm', request: request('a'), execute }),
    );
    // Another request is not held behind them.
    const other = await cache.call({
      model: 'm',
      request: request('b'),
      execute: counting().execute,
    });
    expect(other.hit).toBe(false);
    answerNow();
    const results = await Promise.all(burst);
    expect(calls).toBe(1);
    expect(results.filter((result) => result.hit)).toHaveLength(19);
    expect(new Set(results.map((result) => result.response.content))).toEqual(
      new Set(['one answer']),
    );
    // Each has its own copy.
    expect(new Set(results.map((result) => result.response)).size).toBe(20);
    expect(cache.metrics()).toMatchObject({ hits: 19, misses: 2 });
  });

  it('lets each waiting call make its own when the one in flight stored nothing (it failed)', async () => {
    const cache = createResponseCache({ clock: manualClock(0) });
    let calls = 0;
    let fail!: () => void;
    const gate = new Promise<void>((resolve) => {
      fail = resolve;
    });
    const first = cache.call({
      model: 'm',
      request: request('a'),
      execute: async () => {
        calls++;
        await gate;
        throw new Error('503');
      },
    });
    const waiting = Array.from({ length: 3 }, () =>
      cache.call({
        model: 'm',
        request: request('a'),
        execute: async () => {
          calls++;
          return answer('own');
        },
      }),
    );
    fail();
    await expect(first).rejects.toThrow('503');
    const results = await Promise.all(waiting);
    expect(calls).toBe(4);
    expect(results.map((result) => result.response.content)).toEqual(['own', 'own', 'own']);
  });

  it('stores the answer a waiting call got on its own after the one in flight failed', async () => {
    const cache = createResponseCache({ clock: manualClock(0) });
    let fail!: () => void;
    const gate = new Promise<void>((resolve) => {
      fail = resolve;
    });
    const first = cache.call({
      model: 'm',
      request: request('a'),
      execute: async () => {
        await gate;
        throw new Error('503');
      },
    });
    const waiting = cache.call({ model: 'm', request: request('a'), execute: counting().execute });
    fail();
    await expect(first).rejects.toThrow('503');
    expect((await waiting).hit).toBe(false);
    const later = counting();
    const next = await cache.call({ model: 'm', request: request('a'), execute: later.execute });
    expect(next.hit).toBe(true);
    expect(later.calls()).toBe(0);
  });

  it('does not count the wait for a call in flight as hit latency', async () => {
    const clock = manualClock(0);
    const cache = createResponseCache({ clock });
    let answerNow!: () => void;
    const gate = new Promise<void>((resolve) => {
      answerNow = resolve;
    });
    const leader = cache.call({
      model: 'm',
      request: request('a'),
      execute: async () => {
        await gate;
        return answer('slow');
      },
    });
    const waiting = cache.call({ model: 'm', request: request('a'), execute: counting().execute });
    // The model takes five seconds; serving its stored answer takes no time on this clock.
    await clock.advance(5_000);
    answerNow();
    await leader;
    expect((await waiting).hit).toBe(true);
    expect(cache.metrics()).toMatchObject({ hits: 1, maxHitLatencyMs: 0 });
  });

  it('stops waiting for a call in flight when the waiting caller is aborted', async () => {
    const cache = createResponseCache({ clock: manualClock(0) });
    const never = new Promise<ChatResponse>(() => {});
    void cache.call({ model: 'm', request: request('a'), execute: () => never });
    const controller = new AbortController();
    const waiting = cache.call({
      model: 'm',
      request: request('a'),
      signal: controller.signal,
      execute: async () => {
        throw controller.signal.reason;
      },
    });
    controller.abort(new Error('run ended'));
    await expect(waiting).rejects.toThrow('run ended');
  });

  it('hands out copies, so a caller changing a response does not change the cache', async () => {
    const cache = createResponseCache({ clock: manualClock(0) });
    const model = counting();
    (
      await cache.call({ model: 'm', request: request('a'), execute: model.execute })
    ).response.content = 'changed';
    const hit = await cache.call({ model: 'm', request: request('a'), execute: model.execute });
    expect(hit.response.content).toBe('hi');
  });

  it('expires entries after the TTL on the injected clock', async () => {
    const clock = manualClock(0);
    const cache = createResponseCache({ ttlMs: 1_000, clock });
    const model = counting();
    await cache.call({ model: 'm', request: request('a'), execute: model.execute });
    await clock.advance(999);
    expect(
      (await cache.call({ model: 'm', request: request('a'), execute: model.execute })).hit,
    ).toBe(true);
    await clock.advance(1);
    expect(
      (await cache.call({ model: 'm', request: request('a'), execute: model.execute })).hit,
    ).toBe(false);
  });

  it('keeps at most maxEntries, pushing out the least recently used', async () => {
    const cache = createResponseCache({ maxEntries: 2, clock: manualClock(0) });
    const model = counting();
    for (const content of ['a', 'b', 'a', 'c'])
      await cache.call({ model: 'm', request: request(content), execute: model.execute });
    expect(
      (await cache.call({ model: 'm', request: request('a'), execute: model.execute })).hit,
    ).toBe(true);
    expect(
      (await cache.call({ model: 'm', request: request('b'), execute: model.execute })).hit,
    ).toBe(false);
  });

  it('skips the cache both ways for a call that opts out', async () => {
    const cache = createResponseCache({ clock: manualClock(0) });
    const model = counting();
    await cache.call({ model: 'm', request: request('a'), cache: false, execute: model.execute });
    await cache.call({ model: 'm', request: request('a'), cache: false, execute: model.execute });
    expect(model.calls()).toBe(2);
    expect(cache.metrics()).toMatchObject({ hits: 0, misses: 0, bypassed: 2, hitRate: 0 });
  });

  it('never stores a response that calls an unsafe tool, and stores one that calls a pure tool', async () => {
    const cache = createResponseCache({ clock: manualClock(0) });
    const toolEffects = { send_email: 'unsafe', search: 'pure' } as const;
    const email = counting(
      answer('', {
        toolCalls: [{ id: 'c', name: 'send_email', arguments: '{}' }],
        finishReason: 'tool_calls',
      }),
    );
    await cache.call({ model: 'm', request: request('mail'), toolEffects, execute: email.execute });
    await cache.call({ model: 'm', request: request('mail'), toolEffects, execute: email.execute });
    expect(email.calls()).toBe(2);
    const search = counting(
      answer('', {
        toolCalls: [{ id: 'c', name: 'search', arguments: '{}' }],
        finishReason: 'tool_calls',
      }),
    );
    await cache.call({
      model: 'm',
      request: request('find'),
      toolEffects,
      execute: search.execute,
    });
    await cache.call({
      model: 'm',
      request: request('find'),
      toolEffects,
      execute: search.execute,
    });
    expect(search.calls()).toBe(1);
  });

  it('does not store an answer the caller cannot use, so the next call asks again (issue 9)', async () => {
    const cache = createResponseCache({ clock: manualClock(0) });
    const model = counting(answer('not json'));
    const usable = (response: ChatResponse) => response.content.startsWith('{');
    await cache.call({ model: 'm', request: request('q'), usable, execute: model.execute });
    const second = await cache.call({
      model: 'm',
      request: request('q'),
      usable,
      execute: model.execute,
    });
    expect(second.hit).toBe(false);
    expect(model.calls()).toBe(2);
  });

  it('does not serve a stored tool call once that tool is unsafe (issue 9)', async () => {
    const cache = createResponseCache({ clock: manualClock(0) });
    const model = counting(
      answer('', { toolCalls: [{ id: 'c1', name: 'send', arguments: '{}' }] }),
    );
    await cache.call({
      model: 'm',
      request: request('q'),
      toolEffects: { send: 'pure' },
      execute: model.execute,
    });
    const later = await cache.call({
      model: 'm',
      request: request('q'),
      toolEffects: { send: 'unsafe' },
      execute: model.execute,
    });
    expect(later.hit).toBe(false);
    expect(model.calls()).toBe(2);
  });

  it('does not serve a stored answer the caller cannot use (issue 9)', async () => {
    const cache = createResponseCache({ clock: manualClock(0) });
    const model = counting(answer('not json'));
    await cache.call({ model: 'm', request: request('q'), execute: model.execute });
    const later = await cache.call({
      model: 'm',
      request: request('q'),
      usable: (response) => response.content.startsWith('{'),
      execute: model.execute,
    });
    expect(later.hit).toBe(false);
    expect(model.calls()).toBe(2);
  });

  it('refuses a misspelt option or a TTL that is not a positive duration (issue 9)', () => {
    expect(() => createResponseCache({ ttl: 60_000 } as never)).toThrow(
      /createResponseCache: ttl is not an option.*ttlMs/,
    );
    for (const ttlMs of [-1, 0, Number.NaN]) {
      expect(() => createResponseCache({ ttlMs }), String(ttlMs)).toThrow(
        expect.objectContaining({ code: 'definition.invalid_option' }),
      );
    }
  });

  it('measures hit latency with the clock it is given', async () => {
    let time = 0;
    const cache = createResponseCache({ clock: manualClock(0), now: () => (time += 0.25) });
    const model = counting();
    await cache.call({ model: 'm', request: request('a'), execute: model.execute });
    await cache.call({ model: 'm', request: request('a'), execute: model.execute });
    expect(cache.metrics()).toMatchObject({ meanHitLatencyMs: 0.25, maxHitLatencyMs: 0.25 });
  });
});

describe('cacheableResponse', () => {
  it('refuses unsafe or unknown tools, truncated answers and refusals', () => {
    const call = (name: string) => answer('', { toolCalls: [{ id: 'c', name, arguments: '{}' }] });
    expect(cacheableResponse(call('x'), { x: 'unsafe' })).toEqual({
      cacheable: false,
      reason: 'tool "x" is unsafe',
    });
    expect(cacheableResponse(call('y'))).toEqual({
      cacheable: false,
      reason: 'tool "y" has no known effect',
    });
    expect(cacheableResponse(call('z'), { z: 'idempotent' })).toEqual({ cacheable: true });
    expect(cacheableResponse(answer('cut', { finishReason: 'length' })).cacheable).toBe(false);
    expect(cacheableResponse(answer('', { refusal: 'no' })).cacheable).toBe(false);
  });
});

describe('MemoryResponseCacheStore', () => {
  it('rejects a maxEntries that is not a positive integer, and a misspelt option, as definition errors', () => {
    // They were RangeErrors, unlike every other option's error; `maxEntrys` was ignored.
    for (const maxEntries of [0, -1, Number.NaN, 1.5, '5']) {
      expect(() => new MemoryResponseCacheStore({ maxEntries: maxEntries as never })).toThrow(
        expect.objectContaining({
          code: 'definition.invalid_option',
          message: expect.stringMatching(/MemoryResponseCacheStore: maxEntries is /),
        }),
      );
    }
    expect(() => new MemoryResponseCacheStore({ maxEntrys: 5 } as never)).toThrow(
      /maxEntrys is not an option; did you mean maxEntries\?/,
    );
  });

  it('refuses a store that is not one', () => {
    // Before: taken; every lookup then missed without a word.
    expect(() => createResponseCache({ store: {} as never })).toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringMatching(
          /^createResponseCache: store is an object, not a ResponseCacheStore/,
        ),
      }),
    );
  });

  it('names itself, not its store, when its own maxEntries is wrong', () => {
    expect(() => createResponseCache({ maxEntries: 0 })).toThrow(
      /^createResponseCache: maxEntries is 0/,
    );
  });

  it('refuses a maxEntries createResponseCache would ignore, beside a store of its own', () => {
    expect(() =>
      createResponseCache({ maxEntries: 10, store: new MemoryResponseCacheStore() }),
    ).toThrow(/maxEntries applies to the built-in in-memory store only/);
  });
});
