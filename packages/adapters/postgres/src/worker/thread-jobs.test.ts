import type { PgBoss } from 'pg-boss';
import { describe, expect, it } from 'vitest';
import { ThreadJobError } from './thread-job-error';
import { ThreadJobs } from './thread-jobs';

/** A queue that keeps what is sent to it, giving back `id` (null: it kept no job). */
function recordingJobs(id: string | null = 'job-1') {
  const sent: { data: unknown; options: unknown }[] = [];
  const boss = {
    async send(_queue: string, data: unknown, options: unknown) {
      sent.push({ data, options });
      return id;
    },
  } as unknown as PgBoss;
  return { jobs: new ThreadJobs(boss, async () => undefined), sent };
}

describe('ThreadJobs', () => {
  it('puts the tenant in reply, event and wake jobs, for the worker to check (issue: it was only the concurrency group)', async () => {
    const { jobs, sent } = recordingJobs();
    await jobs.reply('payment', { threadId: 'pay-1', waitId: 'w', value: {}, tenantId: 'globex' });
    await jobs.event('payment', {
      threadId: 'pay-1',
      event: { type: 'cancel' },
      tenantId: 'globex',
    });
    await jobs.wake('payment', 'pay-1', { reason: 'due', tenantId: 'globex' });
    await jobs.start('payment', { threadId: 'pay-1', input: {}, tenantId: 'globex' });
    for (const { data, options } of sent) {
      expect(data).toMatchObject({ tenantId: 'globex' });
      expect(options).toMatchObject({ group: { id: 'globex' } });
    }
    await jobs.reply('payment', { threadId: 'pay-1', waitId: 'w', value: {} });
    expect(sent.at(-1)?.data).not.toHaveProperty('tenantId');
  });

  it("keeps a wake for another tenant out of the thread's own wakes (issue: a refused wake held their dedupe slot)", async () => {
    const { jobs, sent } = recordingJobs();
    // A wake sent for globex names acme's thread: the worker refuses it, but pg-boss keeps one
    // job per singleton key and time slot, so sharing the key would drop the scheduler's wake
    // of that thread, for acme, for as long as such wakes kept coming.
    await jobs.wake('payment', 'acme:pay-1', { reason: 'due', tenantId: 'globex' });
    await jobs.wake('payment', 'acme:pay-1', { reason: 'due', tenantId: 'acme' });
    await jobs.wake('payment', 'acme:pay-1', { reason: 'due' });
    const keyOf = ({ options }: { options: unknown }) =>
      (options as { singletonKey?: string }).singletonKey;
    const keys = sent.map(keyOf);
    expect(new Set(keys).size).toBe(3);
    // Two wakes for one tenant share it: schedulers on several workers do not pile up.
    await jobs.wake('payment', 'acme:pay-1', { reason: 'orphaned', tenantId: 'acme' });
    expect(keyOf(sent[3]!)).toBe(keys[1]);
  });

  it('refuses with job.not_queued when the queue gives a start, reply or event no job id (issue: it resolved to null)', async () => {
    // A queue made with a policy that keeps one job at a time gives back no id for the rest.
    const { jobs } = recordingJobs(null);
    for (const send of [
      () => jobs.start('payment', { threadId: 'pay-1', input: {} }),
      () => jobs.reply('payment', { threadId: 'pay-1', waitId: 'w', value: {} }),
      () => jobs.event('payment', { threadId: 'pay-1', event: { type: 'cancel' } }),
    ]) {
      const error = await send().catch((caught: unknown) => caught);
      expect(ThreadJobError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'job.not_queued', jobId: '' });
      expect((error as Error).message).toMatch(/thread "pay-1" for agent "payment" was not queued/);
    }
    // A wake deduplicated against one queued already is not a failure: null says so.
    expect(await jobs.wake('payment', 'pay-1', { reason: 'due' })).toBeNull();
  });
});
