import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../testing/manual-clock';
import { scriptedModel } from '../testing/scripted-model';
import { createResponseCache } from './create-response-cache';
import { SqliteResponseCacheStore } from './sqlite-response-cache-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const response = {
  content: 'yes',
  toolCalls: [],
  usage: { inputTokens: 10, outputTokens: 1 },
  finishReason: 'stop' as const,
};

describe('SqliteResponseCacheStore', () => {
  it('refuses an empty path, which kept nothing, and a misspelt option, which was ignored', () => {
    expect(() => new SqliteResponseCacheStore({ path: '' })).toThrow(
      /SqliteResponseCacheStore: path is an empty string/,
    );
    expect(() => new SqliteResponseCacheStore({ path: ':memory:', maxEntry: 5 } as never)).toThrow(
      /maxEntry is not an option/,
    );
    expect(() => new SqliteResponseCacheStore({ path: ':memory:', clock: {} as never })).toThrow(
      /clock is an object/,
    );
  });

  it('says what is wrong with a path that is a folder or not an SQLite file, as the checkpointer does', () => {
    // Before: SQLite's bare "unable to open database file", with no code and no advice.
    expect(() => new SqliteResponseCacheStore({ path: dir })).toThrow(
      expect.objectContaining({ code: 'storage.not_a_file' }),
    );
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'plain text that is long enough to fill the header of a page');
    expect(() => new SqliteResponseCacheStore({ path: text })).toThrow(
      expect.objectContaining({
        code: 'checkpoint.corrupt',
        message: expect.stringContaining('is not an SQLite database'),
      }),
    );
  });

  it('serves a cached answer to another process on the same file, until it expires', async () => {
    const clock = manualClock(1_000);
    const path = join(dir, 'runs.db');
    const first = new SqliteResponseCacheStore({ path, clock });
    await first.set('k', { model: 'm', response, storedAt: 1_000, expiresAt: 2_000 });
    first.close();
    const second = new SqliteResponseCacheStore({ path, clock });
    expect(await second.get('k')).toEqual({
      model: 'm',
      response,
      storedAt: 1_000,
      expiresAt: 2_000,
    });
    await clock.advance(1_000);
    expect(await second.get('k')).toBeUndefined();
    second.close();
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const store = new SqliteResponseCacheStore({ path: join(dir, 'c.db'), maxEntries: 2 });
    for (const [index, key] of ['a', 'b', 'c'].entries()) {
      await store.set(key, {
        model: 'm',
        response,
        storedAt: index,
        expiresAt: Number.MAX_SAFE_INTEGER,
      });
    }
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('c')).toBeDefined();
    store.close();
  });

  it('removes expired answers from the file as it writes, not only once maxEntries pushes them out', async () => {
    const path = join(dir, 'c.db');
    const clock = manualClock(1_000);
    const store = new SqliteResponseCacheStore({ path, clock });
    await store.set('old', { model: 'm', response, storedAt: 1_000, expiresAt: 2_000 });
    await clock.advance(5_000);
    await store.set('new', { model: 'm', response, storedAt: 6_000, expiresAt: 60_000 });
    store.close();
    // Before: the expired answer stayed in the file (never returned, but kept) until 10,000
    // newer ones pushed it out: a retention its time to live did not bound.
    const db = new DatabaseSync(path);
    const keys = db.prepare('SELECT key FROM response_cache ORDER BY key').all();
    db.close();
    expect(keys).toEqual([{ key: 'new' }]);
  });

  it("keeps each entry's tenant, so a tenant's entries can be deleted, and no other's", async () => {
    const path = join(dir, 'runs.db');
    const model = scriptedModel({ handler: () => 'answer' });
    const request = { messages: [{ role: 'user' as const, content: 'q' }] };
    const store = new SqliteResponseCacheStore({ path });
    const cache = createResponseCache({ store });
    const call = (partition?: string) =>
      cache.call({
        model: model.endpoint,
        request,
        ...(partition === undefined ? {} : { partition }),
        execute: () => model.generate(request, { signal: new AbortController().signal }),
      });
    for (const tenant of ['acme', 'globex', undefined])
      expect((await call(tenant)).hit).toBe(false);
    // Before: no column said whose an entry was; only the key's hash had the tenant in it.
    expect(await store.deletePartition('acme')).toBe(1);
    expect(await store.deletePartition('acme')).toBe(0);
    expect((await call('acme')).hit).toBe(false);
    expect((await call('globex')).hit).toBe(true);
    expect((await call()).hit).toBe(true);
    store.close();
  });

  it('gives a cache file made before entries kept their tenant the column, its old entries none, and serves them still', async () => {
    const path = join(dir, 'runs.db');
    const old = new DatabaseSync(path);
    // The table as agentchart made it before the tenant column.
    old.exec(`CREATE TABLE response_cache (key TEXT PRIMARY KEY, model TEXT NOT NULL,
      stored_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, response TEXT NOT NULL) STRICT`);
    old
      .prepare('INSERT INTO response_cache VALUES (?, ?, ?, ?, ?)')
      .run('old', 'm', 1, Number.MAX_SAFE_INTEGER, JSON.stringify(response));
    old.close();
    const store = new SqliteResponseCacheStore({ path });
    expect(await store.get('old')).toEqual({
      model: 'm',
      response,
      storedAt: 1,
      expiresAt: Number.MAX_SAFE_INTEGER,
    });
    await store.set('new', {
      model: 'm',
      response,
      storedAt: 2,
      expiresAt: Number.MAX_SAFE_INTEGER,
      partition: 'acme',
    });
    expect((await store.get('new'))?.partition).toBe('acme');
    expect(await store.deletePartition('acme')).toBe(1);
    expect(await store.get('old')).toBeDefined();
    store.close();
    // Opened again (another process): the column is there, and is not added twice.
    new SqliteResponseCacheStore({ path }).close();
  });

  it('backs createResponseCache: a repeated request is a hit across cache instances', async () => {
    const path = join(dir, 'runs.db');
    const model = scriptedModel({ handler: () => 'answer' });
    const request = { messages: [{ role: 'user' as const, content: 'q' }] };
    const call = (store: SqliteResponseCacheStore) =>
      createResponseCache({ store }).call({
        model: model.endpoint,
        request,
        execute: () => model.generate(request, { signal: new AbortController().signal }),
      });
    const one = new SqliteResponseCacheStore({ path });
    expect((await call(one)).hit).toBe(false);
    one.close();
    const two = new SqliteResponseCacheStore({ path });
    expect((await call(two)).hit).toBe(true);
    expect(model.requests).toHaveLength(1);
    two.close();
  });
});
