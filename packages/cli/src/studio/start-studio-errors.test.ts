import { StorageError } from '@agentchart/core';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentCatalog } from './agent-catalog';
import { InspectorSessions } from './inspector-sessions';
import type { RunSource } from './run-source';
import { type Studio, startStudio } from './start-studio';

let studio: Studio | undefined;
afterEach(async () => {
  await studio?.close();
  studio = undefined;
});

describe('startStudio', () => {
  it('answers 503 with the storage error while the database is unavailable, 500 for a bug', async () => {
    let failure: unknown = new StorageError(
      'storage.unavailable',
      'postgres://127.0.0.1:1/runs',
      'The database at postgres://127.0.0.1:1/runs does not answer.',
    );
    const source: RunSource = {
      listRuns: async () => {
        throw failure;
      },
      getRun: async () => undefined,
      changeToken: async () => '0',
      close: () => undefined,
    };
    studio = await startStudio({
      source,
      catalog: new AgentCatalog(),
      inspector: new InspectorSessions(),
      assets: { html: '<html></html>', js: '', css: '' },
      port: 0,
    });
    const down = await fetch(new URL('/api/runs', studio.url));
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ code: 'storage.unavailable' });
    failure = new TypeError('a bug');
    expect((await fetch(new URL('/api/runs', studio.url))).status).toBe(500);
  });
});
