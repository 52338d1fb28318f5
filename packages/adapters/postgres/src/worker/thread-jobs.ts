import type { JobWithMetadata, PgBoss, Queue, SendOptions } from 'pg-boss';
import { storageFailure } from '../postgres-storage-error';
import { checkThreadJob } from './check-thread-job';
import { unstorableText } from './job-data-text';
import type { ThreadJob, ThreadJobResult } from './thread-job';
import { ThreadJobError } from './thread-job-error';
import { type ThreadJobResultOptions, waitForThreadJob } from './thread-job-result';

/** The queue that carries an agent's thread jobs: `agentchart.<agent name>`. */
export function queueNameOf(agentName: string): string {
  return `agentchart.${agentName.replace(/[^\w.\-/]/g, '_')}`;
}

/** The agent a thread queue carries jobs for, or undefined for a queue of something else. */
export function agentOfQueue(queue: string): string | undefined {
  return queue.startsWith('agentchart.') ? queue.slice('agentchart.'.length) : undefined;
}

/** Options of the job queue's thread queues. */
export interface ThreadQueueSettings {
  /**
   * A worker that stops heartbeating for this long (it crashed, or its machine did) loses
   * its jobs to the others. At least 10 (pg-boss's minimum). Default 10.
   */
  heartbeatSeconds?: number | undefined;
  /** The longest one job (one thread's run to its next rest) may take. Default 3600. */
  expireInSeconds?: number | undefined;
}

/** The pg-boss queue options every thread queue gets. */
export function threadQueueOptions({
  heartbeatSeconds = 10,
  expireInSeconds = 3_600,
}: ThreadQueueSettings = {}): Omit<Queue, 'name'> {
  return {
    heartbeatSeconds,
    expireInSeconds,
    // A retry is how a job waits out a lease still held by a dead worker's run, or a lost
    // compare-and-set race: many cheap retries with a short, capped backoff.
    retryLimit: 50,
    retryDelay: 1,
    retryBackoff: true,
    retryDelayMax: 15,
    deleteAfterSeconds: 24 * 3_600,
  };
}

/**
 * Puts thread jobs on the queue: what an API server calls to start a run, deliver a human
 * reply or an event, without running agents itself. Workers (see `createPostgresWorker`)
 * take them. A job names the agent, whose queue carries it.
 */
export class ThreadJobs {
  readonly #boss: PgBoss;
  readonly #ready: (queue: string) => Promise<void>;
  readonly #server: string | undefined;

  /**
   * @param server The database's address (`postgres://user@host:port/database`): a failure
   * of that server to take a job is a `StorageError` naming it, as the store's failures are.
   */
  constructor(boss: PgBoss, ready: (queue: string) => Promise<void>, server?: string) {
    this.#boss = boss;
    this.#ready = ready;
    this.#server = server;
  }

  /**
   * What became of a job sent with `start`, `reply`, `event` or `wake`: waits for a worker to
   * finish it, up to `timeoutMs` (default 30 000; 0 looks once), and resolves to what the
   * worker reported — the thread's rest (`waiting`, `done`, `failed` …), or why the job did
   * nothing: `refused` (with `code` `human.invalid_reply`, `human.timeout`, `run.not_found` …
   * and a `detail` to show the person), `already-answered`, `already-ended`; `running` for a
   * reply applied before its worker was stopped mid-run (another worker continues the
   * thread). With `tenantId`,
   * a job sent for another tenant (or for none) is `job.not_found`, as an unknown id.
   *
   * @example
   * ```ts
   * const jobId = await queue.jobs.reply('support', { threadId, waitId, value });
   * const { status, code, detail } = await queue.jobs.result('support', jobId, { timeoutMs: 10_000, tenantId });
   * ```
   * @throws ThreadJobError `job.not_found` (no such job in the agent's queue), `job.timeout`
   * (not finished in time: it goes on) or `job.failed` (given up after its retries, or
   * cancelled).
   */
  result(agent: string, jobId: string, options?: ThreadJobResultOptions): Promise<ThreadJobResult> {
    return waitForThreadJob(this.#boss, queueNameOf(agent), agent, jobId, options, this.#server);
  }

  /**
   * Starts a thread of `agent` on some worker, for `tenantId` if given. Resolves to the job
   * id. A thread id the store already has for another tenant (or for none, when `tenantId`
   * is given) is not started: the job ends `refused`.
   * @throws ThreadJobError `job.not_queued` when the queue kept no job (see its code); as
   * `reply` and `event`.
   * @throws DefinitionError `definition.invalid_option`, nothing queued, for a job with no
   * agent or thread id (a reply: no wait id), or whose ids or data hold a NUL character or a
   * lone surrogate, which the job table's `jsonb` cannot store; as `reply` and `event`.
   */
  start(
    agent: string,
    {
      threadId,
      input,
      tenantId,
    }: { threadId: string; input: unknown; tenantId?: string | undefined },
  ): Promise<string> {
    const job: ThreadJob = { kind: 'start', threadId, input, ...tenantOf(tenantId) };
    return this.#sendOne(agent, job, tenantId);
  }

  /**
   * Answers the human wait `waitId` of a thread. The wait's id makes a redelivered reply
   * harmless: once that wait is answered, the reply is not given to any other. With
   * `tenantId`, a thread that is not that tenant's (or does not exist) is left untouched and
   * the job ends `refused`; pass the tenant of the request being served. Resolves to the job id.
   */
  reply(
    agent: string,
    {
      threadId,
      waitId,
      value,
      tenantId,
    }: { threadId: string; waitId: string; value: unknown; tenantId?: string | undefined },
  ): Promise<string> {
    return this.#sendOne(
      agent,
      { kind: 'reply', threadId, waitId, value, ...tenantOf(tenantId) },
      tenantId,
    );
  }

  /**
   * Sends an event to a thread. Delivered at least once: a worker that dies after the
   * event was taken but before its job completed lets another deliver it again, so an
   * event's handling should be idempotent (or use `reply`, which is exactly once per wait).
   * With `tenantId`, a thread that is not that tenant's is left untouched, as by `reply`.
   * An event no state of the thread takes when the job runs is not delivered: the job
   * completes `refused` with `run.event_not_taken` (not retried). Resolves to the job id.
   */
  event(
    agent: string,
    {
      threadId,
      event,
      tenantId,
    }: {
      threadId: string;
      event: { type: string; [key: string]: unknown };
      tenantId?: string | undefined;
    },
  ): Promise<string> {
    return this.#sendOne(
      agent,
      { kind: 'event', threadId, event, ...tenantOf(tenantId) },
      tenantId,
    );
  }

  /**
   * Wakes a thread: resumes it from its checkpoint so its due timers fire. Deduplicated
   * per thread and tenant for `dedupeSeconds`, so schedulers on several workers do not pile up:
   * resolves to the job id, or to null when a wake of the thread is queued already.
   * With `tenantId`, only a thread of that tenant is woken.
   */
  wake(
    agent: string,
    threadId: string,
    {
      reason,
      tenantId,
      dedupeSeconds = 5,
    }: {
      reason: 'due' | 'orphaned';
      tenantId?: string | undefined;
      dedupeSeconds?: number | undefined;
    },
  ): Promise<string | null> {
    return this.#send(agent, { kind: 'wake', threadId, reason, ...tenantOf(tenantId) }, tenantId, {
      // Per thread and tenant: a wake sent for another tenant, which the worker refuses, must
      // not hold the slot of the thread's own wakes (the scheduler's, sent with its tenant)
      // and so keep its due timers from firing (ADR 0065).
      singletonKey: `wake:${JSON.stringify(tenantId === undefined ? [threadId] : [threadId, tenantId])}`,
      singletonSeconds: dedupeSeconds,
    });
  }

  /**
   * Deletes the job rows of threads, for an erasure request: every job of each thread in any
   * agent's queue (or in those of `agents`), queued or kept after it finished (for a day:
   * `deleteAfterSeconds`), whose data holds the thread's start input, reply value or event.
   * Resolves to how many went.
   *
   * Refused with `ThreadJobError` `job.active`, nothing deleted, while a worker is doing a job
   * of one of the threads: a `start` it took before the erase would store the thread again
   * once it was erased (ADR 0085). Delete the job rows first, then erase the threads in the
   * store, then call this again for jobs sent meanwhile (`agentchart erase --jobs` does).
   * What stays open: a queued job a worker takes between this call's look-up and its delete
   * (milliseconds) is deleted while that worker does it, and a `start` job then stores its
   * thread again if its first checkpoint comes after the store's erase; stop sending jobs for
   * a thread being erased.
   */
  async erase(
    threadIds: readonly string[],
    { agents }: { agents?: readonly string[] } = {},
  ): Promise<number> {
    const queues =
      agents === undefined
        ? (await this.#boss.getQueues())
            .map((queue) => queue.name)
            .filter((name) => agentOfQueue(name) !== undefined)
        : agents.map(queueNameOf);
    const found: { queue: string; ids: string[] }[] = [];
    for (const queue of queues) {
      for (const threadId of new Set(threadIds)) {
        // No job holds it (`jsonb` refuses it, and a job naming it is refused before it is
        // queued): asked of the job table, it would fail with PostgreSQL's untyped error.
        if (unstorableText(threadId, 'threadId') !== undefined) continue;
        const jobs = await this.#jobsOf(queue, threadId);
        const active = jobs.find((job) => job.state === 'active');
        if (active) {
          throw new ThreadJobError(
            'job.active',
            active.id,
            `Not erased: a worker is doing job ${active.id} (${active.data.kind}) of thread "${threadId}" in queue "${queue}", and a start it took would store the thread again once it was erased. Nothing was deleted. Erase again once that job has ended (agentchart jobs, or jobs.result, shows it).`,
          );
        }
        found.push({ queue, ids: jobs.map((job) => job.id) });
      }
    }
    let deleted = 0;
    for (const { queue, ids } of found) {
      for (let from = 0; from < ids.length; from += erasePage) {
        const page = ids.slice(from, from + erasePage);
        await this.#boss.deleteJob(queue, page);
        deleted += page.length;
      }
    }
    return deleted;
  }

  /** Every job of `threadId` in `queue`, read a bounded page at a time. */
  async #jobsOf(queue: string, threadId: string): Promise<JobWithMetadata<ThreadJob>[]> {
    const jobs: JobWithMetadata<ThreadJob>[] = [];
    for (let pages = 0; pages < maxErasePages; pages++) {
      const after = jobs.at(-1);
      const page = await this.#boss.findJobs<ThreadJob>(queue, {
        data: { threadId },
        limit: erasePage,
        ...(after === undefined ? {} : { after: after.id }),
      });
      jobs.push(...page);
      if (page.length < erasePage) break;
    }
    return jobs;
  }

  /**
   * Sends a job that nothing deduplicates. pg-boss gives back no id only for a job its queue
   * did not keep — here, a queue someone made with a policy that keeps one job at a time —
   * and a caller given null would wait on no job, or pass null to `result`, never knowing.
   */
  async #sendOne(agent: string, job: ThreadJob, tenantId: string | undefined): Promise<string> {
    const id = await this.#send(agent, job, tenantId);
    if (id !== null) return id;
    throw new ThreadJobError(
      'job.not_queued',
      '',
      `The ${job.kind} job of thread "${job.threadId}" for agent "${agent}" was not queued: pg-boss queue "${queueNameOf(agent)}" kept no job and gave back no job id. The thread queues are made with pg-boss's "standard" policy, which keeps every job; a queue made beforehand with another policy (singleton, short, stately …) keeps one job at a time and drops the rest. Delete that queue (a worker or createThreadJobs makes it again) and send the job again.`,
    );
  }

  async #send(
    agent: string,
    job: ThreadJob,
    tenantId: string | undefined,
    options: SendOptions = {},
  ): Promise<string | null> {
    checkThreadJob(agent, job);
    const queue = queueNameOf(agent);
    try {
      await this.#ready(queue);
      return await this.#boss.send(queue, job, {
        ...options,
        // The tenant is the job's group: workers cap how many of its jobs run at once. The
        // worker checks it against the thread's, so a job put in another tenant's group is
        // refused without running (ADR 0065).
        ...(tenantId === undefined ? {} : { group: { id: tenantId } }),
      });
    } catch (error) {
      // pg's own errors ("Query read timeout", ECONNREFUSED) said neither which server nor
      // that the job was not queued; the caller (an API request) tells them apart by code.
      if (this.#server === undefined) throw error;
      throw storageFailure(
        error,
        this.#server,
        `queueing a ${job.kind} job of thread "${job.threadId}" for agent "${agent}" (it may not be queued: send it again once the server answers; a start or a reply is done once however often it is sent)`,
      );
    }
  }
}

/** Job rows of one thread found, and deleted, per statement by `erase`; a bound on its pages. */
const erasePage = 1_000;
const maxErasePages = 1_000;

function tenantOf(tenantId: string | undefined): { tenantId?: string } {
  return tenantId === undefined ? {} : { tenantId };
}
