import { agentFactory, createAgent } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { createPostgresWorker } from './create-postgres-worker';
import { createThreadJobs } from './create-thread-jobs';
import type { PostgresWorkerOptions } from './worker-options';

const machine = setup({}).createMachine({
  id: 'idle',
  initial: 'done',
  states: { done: { type: 'final' } },
});
const idle = agentFactory((host) => createAgent({ machine, ...host }));

/** Nothing listens here: every case must be refused before a connection is tried. */
const base: PostgresWorkerOptions = {
  connectionString: 'postgres://nobody@127.0.0.1:1/none',
  agents: [idle],
};

describe('createPostgresWorker and createThreadJobs options', () => {
  it('refuse, before they open anything, options that deleted threads, never pruned, hung or leaked', async () => {
    // Each was taken. A retention of 0 deleted every thread as it ended; NaN or a misspelt
    // olderThanMs never pruned; a pool of -1 hung every call; a concurrency pg-boss refuses
    // failed after both pools were open, and leaked them; misspelt names were ignored.
    const refused: [Partial<PostgresWorkerOptions> | Record<string, unknown>, RegExp][] = [
      [
        { retention: { olderThanMs: 0 } },
        /retention\.olderThanMs is the number 0\. .*at least 60000/,
      ],
      [{ retention: { olderThanMs: -5 } }, /retention\.olderThanMs is the number -5/],
      [
        { retention: { olderThan: 86_400_000 } },
        /retention\.olderThan is not an option; did you mean retention\.olderThanMs\?/,
      ],
      [{ retention: { olderThanMs: 86_400_000, statuses: ['waiting'] } }, /retention\.statuses/],
      [{ retention: true }, /retention is the boolean true/],
      [{ poolSize: -1 }, /poolSize is the number -1/],
      [{ concurrency: 0 }, /concurrency is the number 0/],
      [{ concurrency: { idle: 1.5 } }, /concurrency\.idle is the number 1\.5/],
      [{ tenantConcurrency: Number.NaN }, /tenantConcurrency is the number NaN/],
      [{ concurency: 5 }, /concurency is not an option; did you mean concurrency\?/],
      [{ jobSchema: '' }, /jobSchema is an empty string/],
      [{ schema: 'x'.repeat(64) }, /schema "x+…" is 64 bytes; PostgreSQL keeps 63/],
      [
        { pollingIntervalSeconds: 0.1 },
        /pollingIntervalSeconds is the number 0\.1\. Give a number of seconds from 0\.5/,
      ],
      [{ heartbeatSeconds: 5 }, /heartbeatSeconds is the number 5/],
      [{ schedulerIntervalMs: 0 }, /schedulerIntervalMs is the number 0/],
      [{ agents: [] }, /agents is a list of 0/],
      [{ agents: [{ name: 'idle' }] }, /agents\[0\] is an object, not an agent factory/],
      // pg-boss stores it as an integer: 1.5 failed in the database and left a connection open.
      [
        { expireInSeconds: 1.5 },
        /expireInSeconds is the number 1\.5\. Give a whole number of seconds/,
      ],
      [{ connectionString: 'mysql://x' }, /connectionString is the string "mysql:\/\/x"/],
    ];
    for (const [extra, message] of refused) {
      await expect(
        createPostgresWorker({ ...base, ...extra } as PostgresWorkerOptions),
      ).rejects.toMatchObject({
        code: 'definition.invalid_option',
        message: expect.stringMatching(message),
      });
    }
    // An unknown agent's concurrency was ignored; two agents of one name shared a queue.
    await expect(createPostgresWorker({ ...base, concurrency: { nosuch: 5 } })).rejects.toThrow(
      /concurrency names "nosuch", which is not one of its agents \("idle"\)/,
    );
    await expect(createPostgresWorker({ ...base, agents: [idle, idle] })).rejects.toThrow(
      /two of its agents are named "idle"/,
    );
    await expect(
      createThreadJobs({ connectionString: base.connectionString, jobschema: 'x' } as never),
    ).rejects.toThrow(/jobschema is not an option; did you mean jobSchema\?/);
    await expect(
      createThreadJobs({ connectionString: base.connectionString, jobSchema: '' }),
    ).rejects.toThrow(/jobSchema is an empty string/);
  });
});
