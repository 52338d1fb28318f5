import { describe, expect, it } from 'vitest';
import { queueWarnings } from './queue-warnings';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('queueWarnings', () => {
  it('shows an outage once a minute as a StorageError naming the server, then how many were not shown', () => {
    const warnings: (Error | string)[] = [];
    let now = 0;
    const onError = queueWarnings('postgres://app@db:5432/app', {
      now: () => now,
      warn: (warning) => warnings.push(warning),
    });
    for (; now < 59_000; now += 500) onError(refused());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ name: 'StorageError', code: 'storage.unavailable' });
    expect((warnings[0] as Error).message).toContain('postgres://app@db:5432/app');
    now = 60_000;
    onError(refused());
    expect(warnings).toHaveLength(3);
    expect(warnings[2]).toBe(
      '117 more failure(s) of the job queue like the one above were not shown.',
    );
  });

  it('shows each different failure, and an error that is not the database as it is', () => {
    const warnings: (Error | string)[] = [];
    const onError = queueWarnings('postgres://db:5432/app', {
      now: () => 0,
      warn: (warning) => warnings.push(warning),
    });
    onError(refused());
    onError(new Error('job handler bug'));
    onError('a string');
    expect(warnings.map((warning) => (warning as Error).message)).toEqual([
      expect.stringContaining('ECONNREFUSED'),
      'job handler bug',
      'a string',
    ]);
  });

  it('holds back failures alike that pg-boss tells apart by queue and polling worker (issue: one warning per poll)', () => {
    const warnings: (Error | string)[] = [];
    let now = 0;
    const onError = queueWarnings('postgres://app:secret@db:5432/app', {
      now: () => now,
      warn: (warning) => warnings.push(warning),
    });
    const poll = (queue: string, worker: number) =>
      Object.assign(
        new Error(
          `connect ECONNREFUSED 10.0.0.5:5432 (Queue: ${queue}, Worker: 9c4f2a10-0d1e-4b7a-8c3e-${String(worker).padStart(12, '0')})`,
        ),
        { code: 'ECONNREFUSED' },
      );
    // Twenty polling workers on two queues, twice a second, for just under a minute.
    for (; now < 59_500; now += 500) {
      for (let worker = 0; worker < 20; worker++) {
        onError(poll(worker % 2 ? 'agentchart.pay' : 'agentchart.refunds', worker));
      }
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'storage.unavailable' });
    expect((warnings[0] as Error).message).toContain('PostgreSQL at postgres://app@db:5432/app');
    expect((warnings[0] as Error).message).not.toContain('secret');
    now = 60_000;
    onError(poll('agentchart.pay', 99));
    expect(warnings).toHaveLength(3);
    expect(warnings[2]).toBe(
      '2379 more failure(s) of the job queue like the one above were not shown.',
    );
  });
});
