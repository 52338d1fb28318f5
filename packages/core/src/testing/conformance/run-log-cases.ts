import assert from 'node:assert/strict';
import type { JournalEntry } from '../../ledger/types';
import { effectLogRowOf } from '../../run-log/effect-log-row';
import { RunLogCostLedger } from '../../run-log/run-log-cost-ledger';
import type { RunLog } from '../../run-log/types';
import type { Checkpointer } from '../../store/types';
import type { ConformanceCase, ConformanceContext } from './context';
import { assertCode, checkpointAt, rejection } from './fixtures';

const day = 86_400_000;
/** 2026-03-01T00:00:00Z: the log cases' steps start on this day and the next. */
const t0 = Date.UTC(2026, 2, 1);

/** The store as a run log; fails the case when it keeps none. */
function runLogOf(store: Checkpointer): Checkpointer & RunLog {
  const log = store as Partial<RunLog>;
  assert.ok(
    typeof log.listEffectLog === 'function' &&
      typeof log.listRuns === 'function' &&
      typeof log.summariseCost === 'function',
    'the store keeps no run log (listEffectLog, listRuns, summariseCost); pass runLog: false to leave these cases out',
  );
  return store as Checkpointer & RunLog;
}

interface CallOptions {
  model?: string;
  tenantId?: string;
  agent?: string;
  startedAt?: number;
  tokens?: [number, number];
  costUsd?: number;
  cached?: boolean;
  attempts?: number;
}

/** A model call's journal record, as the pipeline writes it: intent, or its outcome. */
export function modelCallEntry(
  threadId: string,
  key: string,
  status: JournalEntry['status'],
  {
    model = 'gpt-4o-mini',
    tenantId = 'acme',
    agent = 'triage',
    startedAt = t0,
    tokens = [1_000, 200],
    costUsd = 0.00027,
    cached = false,
    attempts = 1,
  }: CallOptions = {},
): JournalEntry {
  const meta = {
    agent,
    state: 'review.classifying',
    tenantId,
    requestHash: '0123456789abcdef',
    endpoint: `openai:${model}`,
    prompt: { id: 'triage', version: 3 },
  };
  const finished = status !== 'started';
  return {
    threadId,
    key,
    site: 'classify',
    kind: 'llm',
    effect: 'idempotent',
    name: model,
    status,
    startedAt,
    meta: finished ? { ...meta, latencyMs: 420, confidence: 0.8 } : meta,
    ...(finished ? { finishedAt: startedAt + 420 } : {}),
    ...(status === 'completed'
      ? {
          output: {
            response: {
              content: '{"relevant":true,"confidence":0.8}',
              toolCalls: [],
              usage: { inputTokens: tokens[0], outputTokens: tokens[1] },
              finishReason: 'stop',
            },
            model,
            attempts,
            costUsd: cached ? 0 : costUsd,
            cached,
          },
        }
      : {}),
    ...(status === 'failed'
      ? { error: { name: 'ModelCallError', code: 'model.rate_limited', message: '429' } }
      : {}),
  };
}

/** The run log's cases: rows written with their journal records, its queries and its ledger. */
export function runLogCases({ threadId, withStores }: ConformanceContext): ConformanceCase[] {
  return [
    {
      name: 'writes one run log row per journal record, with the columns its record gives',
      run: () =>
        withStores(2, async ([store, other]) => {
          const thread = threadId('log-rows');
          const log = runLogOf(other!);
          await store!.putEffect(modelCallEntry(thread, 'a/0:llm', 'started'));
          assert.deepEqual(await log.listEffectLog({ threadId: thread }), [
            effectLogRowOf(modelCallEntry(thread, 'a/0:llm', 'started')),
          ]);
          const entries: JournalEntry[] = [
            modelCallEntry(thread, 'a/0:llm', 'completed', { attempts: 3 }),
            modelCallEntry(thread, 'a/1:llm', 'completed', {
              cached: true,
              startedAt: t0 + 1,
            }),
            {
              threadId: thread,
              key: 'b/0:tool:lookup',
              site: 'research',
              kind: 'tool',
              effect: 'pure',
              name: 'lookup',
              status: 'completed',
              startedAt: t0 + 2,
              finishedAt: t0 + 3,
              input: { buyer: 'Oslo' },
              output: { tenders: 4 },
              meta: { agent: 'triage', state: 'researching', inputHash: 'fedcba9876543210' },
            },
            {
              threadId: thread,
              key: 'b/1:tool:archive',
              site: 'research',
              kind: 'tool',
              effect: 'unsafe',
              name: 'archive',
              status: 'failed',
              startedAt: t0 + 4,
              finishedAt: t0 + 9,
              error: { name: 'RunError', code: 'tool.timeout', message: 'too slow' },
              meta: { agent: 'triage', state: 'researching', latencyMs: 5 },
            },
            {
              threadId: thread,
              key: 'c/0:agent',
              site: 'delegate',
              kind: 'agent',
              effect: 'idempotent',
              name: 'summariser',
              status: 'completed',
              startedAt: t0 + 10,
              finishedAt: t0 + 20,
              output: { status: 'done', usage: { inputTokens: 50, costUsd: 0.5 } },
              meta: { agent: 'triage', state: 'delegating', latencyMs: 10 },
            },
            {
              threadId: thread,
              key: 'd/0:human',
              site: 'approve',
              kind: 'human',
              effect: 'pure',
              name: 'human',
              status: 'started',
              startedAt: t0 + 21,
              input: 'Bid?',
              meta: { agent: 'triage', state: 'approving', replySchema: { type: 'boolean' } },
            },
          ];
          for (const entry of entries) await store!.putEffect(entry);
          const rows = await log.listEffectLog({ threadId: thread });
          assert.deepEqual(rows, entries.map(effectLogRowOf));
          assert.deepEqual(
            rows.map((row) => [row.kind, row.inputTokens, row.costUsd, row.cached]),
            [
              ['llm', 1_000, 0.00027, false],
              ['llm', 0, 0, true],
              ['tool', null, null, false],
              ['tool', null, null, false],
              ['agent', null, null, false],
              ['human', null, null, false],
            ],
          );
          assert.deepEqual(
            rows.map((row) => [row.state, row.latencyMs, row.errorCode, row.attempts]),
            [
              ['review.classifying', 420, null, 3],
              ['review.classifying', 420, null, 1],
              ['researching', 1, null, null],
              ['researching', 5, 'tool.timeout', null],
              ['delegating', 10, null, null],
              ['approving', null, null, null],
            ],
          );
          assert.equal(rows[0]?.promptVersion, '3');
        }),
    },
    {
      name: 'writes no run log row for a journal write it refuses (fenced by a lease)',
      run: () =>
        withStores(2, async ([store, other]) => {
          const thread = threadId('log-fenced');
          const log = runLogOf(other!);
          await store!.acquireLease(thread, { owner: 'run-a', ttlMs: 30_000, now: t0 });
          await store!.putEffect(modelCallEntry(thread, 'k/0:llm', 'started'), { owner: 'run-a' });
          await other!.acquireLease(thread, {
            owner: 'run-b',
            ttlMs: 30_000,
            now: t0 + 1,
            force: true,
          });
          assertCode(
            await rejection(
              store!.putEffect(modelCallEntry(thread, 'k/0:llm', 'completed'), {
                owner: 'run-a',
              }),
              'a result of the run that lost its lease',
            ),
            'checkpoint.conflict',
          );
          await rejection(
            store!.putEffect(modelCallEntry(thread, 'k/1:llm', 'started'), { owner: 'run-a' }),
            'an intent of the run that lost its lease',
          );
          assert.deepEqual(
            (await log.listEffectLog({ threadId: thread })).map((row) => [row.key, row.status]),
            [['k/0:llm', 'started']],
          );
        }),
    },
    {
      name: 'filters the run log by thread, agent, tenant, kind, status, model and start time',
      run: () =>
        withStores(1, async ([store]) => {
          const log = runLogOf(store!);
          const tenant = threadId('tenant');
          const [a, b] = [threadId('log-a'), threadId('log-b')];
          await store!.putEffect(modelCallEntry(a, 'x/0:llm', 'completed', { tenantId: tenant }));
          await store!.putEffect(
            modelCallEntry(a, 'x/1:llm', 'failed', { tenantId: tenant, startedAt: t0 + day }),
          );
          await store!.putEffect(
            modelCallEntry(b, 'y/0:llm', 'completed', {
              tenantId: tenant,
              agent: 'other',
              model: 'gpt-4o',
              startedAt: t0 + 2 * day,
            }),
          );
          const keys = async (filter: Parameters<RunLog['listEffectLog']>[0]) =>
            (await log.listEffectLog({ tenantId: tenant, ...filter })).map((row) => row.key);
          assert.deepEqual(await keys({}), ['x/0:llm', 'x/1:llm', 'y/0:llm']);
          assert.deepEqual(await keys({ threadId: b }), ['y/0:llm']);
          assert.deepEqual(await keys({ agent: 'triage' }), ['x/0:llm', 'x/1:llm']);
          assert.deepEqual(await keys({ status: 'failed' }), ['x/1:llm']);
          assert.deepEqual(await keys({ model: 'gpt-4o' }), ['y/0:llm']);
          assert.deepEqual(await keys({ kind: 'tool' }), []);
          assert.deepEqual(await keys({ since: t0 + day, until: t0 + 2 * day }), ['x/1:llm']);
          assert.deepEqual(await keys({ limit: 2 }), ['x/0:llm', 'x/1:llm']);
        }),
    },
    {
      name: 'sums the cost of completed model calls per run, tenant, model and day, and answers as a CostLedger',
      run: () =>
        withStores(2, async ([store, other]) => {
          const tenant = threadId('tenant-cost');
          const [a, b] = [threadId('cost-a'), threadId('cost-b')];
          const calls: JournalEntry[] = [
            modelCallEntry(a, 'x/0:llm', 'completed', { tenantId: tenant, costUsd: 0.25 }),
            modelCallEntry(a, 'x/1:llm', 'completed', {
              tenantId: tenant,
              cached: true,
              startedAt: t0 + 1_000,
            }),
            modelCallEntry(a, 'x/2:llm', 'failed', { tenantId: tenant }),
            modelCallEntry(b, 'y/0:llm', 'completed', {
              tenantId: tenant,
              model: 'gpt-4o',
              costUsd: 1.5,
              tokens: [3_000, 500],
              startedAt: t0 + day,
            }),
            modelCallEntry(b, 'y/1:llm', 'started', { tenantId: tenant }),
          ];
          // A history summary sent again: journaled as a call, though none was made.
          const reused = modelCallEntry(a, 'x/3:summary', 'completed', {
            tenantId: tenant,
            cached: true,
            attempts: 0,
            startedAt: t0 + 2_000,
          });
          calls.push({ ...reused, meta: { ...reused.meta, summary: 'reused' } });
          for (const entry of calls) await store!.putEffect(entry);
          const ledger = new RunLogCostLedger(runLogOf(other!));
          assert.deepEqual(await ledger.summarise({ tenantId: tenant }), {
            calls: 3,
            cachedCalls: 1,
            inputTokens: 4_000,
            outputTokens: 700,
            costUsd: 1.75,
          });
          const costs = (totals: Map<string, { costUsd: number; calls: number }>) =>
            Object.fromEntries(
              [...totals].map(([key, total]) => [key, [total.costUsd, total.calls]]),
            );
          assert.deepEqual(costs(await ledger.summariseBy('threadId', { tenantId: tenant })), {
            [a]: [0.25, 2],
            [b]: [1.5, 1],
          });
          assert.deepEqual(costs(await ledger.summariseBy('model', { tenantId: tenant })), {
            'gpt-4o-mini': [0.25, 2],
            'gpt-4o': [1.5, 1],
          });
          assert.deepEqual(costs(await ledger.summariseBy('day', { tenantId: tenant })), {
            '2026-03-01': [0.25, 2],
            '2026-03-02': [1.5, 1],
          });
          assert.deepEqual(costs(await ledger.summariseBy('tenantId', { threadId: b })), {
            [tenant]: [1.5, 1],
          });
          assert.equal(
            (await ledger.summarise({ tenantId: tenant, since: t0 + day })).costUsd,
            1.5,
          );
          assert.deepEqual(
            (await ledger.entries({ tenantId: tenant, until: t0 + day })).map((entry) => [
              entry.callId,
              entry.cached,
              entry.at,
            ]),
            [
              ['x/0:llm', false, t0 + 420],
              ['x/1:llm', true, t0 + 1_420],
            ],
          );
          assert.deepEqual(await ledger.summarise({ tenantId: threadId('nobody') }), {
            calls: 0,
            cachedCalls: 0,
            inputTokens: 0,
            outputTokens: 0,
            costUsd: 0,
          });
        }),
    },
    {
      name: 'counts an answer a guard blocked after it was paid for as an error of its run (issue 12)',
      run: () =>
        withStores(1, async ([store]) => {
          const thread = threadId('blocked');
          await store!.save(checkpointAt(thread, 1));
          const paid = modelCallEntry(thread, 'x/0:llm', 'completed');
          await store!.putEffect({
            ...paid,
            output: {
              ...(paid.output as object),
              blocked: { guard: 'no-cards', reason: 'a card' },
            },
          });
          const [row] = await runLogOf(store!).listEffectLog({ threadId: thread });
          assert.equal(row?.errorCode, 'guard.blocked');
          const [run] = await runLogOf(store!).listRuns({ threadId: thread });
          assert.equal(run?.errors, 1);
          assert.equal(run?.modelCalls, 1);
        }),
    },
    {
      name: 'lists runs with their totals, filtered by status, agent, tenant, thread prefix and time',
      run: () =>
        withStores(2, async ([store, other]) => {
          const batch = threadId('runs');
          const tenant = `${batch}-tenant`;
          const [a, b, c] = [`${batch}/a`, `${batch}/b`, `${batch}/c`];
          // a: 3 checkpoints (waiting at 3), b: 1 (running), c: 2 (running), no steps.
          for (const version of [1, 2, 3]) await store!.save(checkpointAt(a, version));
          await store!.save(checkpointAt(b, 1));
          for (const version of [1, 2]) await store!.save(checkpointAt(c, version));
          await store!.putEffect(modelCallEntry(a, 'x/0:llm', 'completed', { tenantId: tenant }));
          await store!.putEffect(
            modelCallEntry(a, 'x/1:llm', 'completed', { tenantId: tenant, cached: true }),
          );
          await store!.putEffect(modelCallEntry(a, 'x/2:llm', 'failed', { tenantId: tenant }));
          await store!.putEffect({
            ...modelCallEntry(a, 'h/0:human', 'started', { tenantId: tenant }),
            kind: 'human',
            name: 'human',
          });
          await store!.putEffect(
            modelCallEntry(b, 'y/0:llm', 'completed', {
              tenantId: `${tenant}-2`,
              agent: 'other',
              costUsd: 2,
            }),
          );
          const log = runLogOf(other!);
          const runs = await log.listRuns({ threadPrefix: `${batch}/` });
          assert.deepEqual(runs, [
            {
              threadId: a,
              status: 'waiting',
              version: 3,
              updatedAt: 1_700_000_000_003,
              agent: 'triage',
              tenantId: tenant,
              steps: 4,
              modelCalls: 1,
              inputTokens: 1_000,
              outputTokens: 200,
              costUsd: 0.00027,
              errors: 1,
              waits: 1,
            },
            {
              threadId: c,
              status: 'running',
              version: 2,
              updatedAt: 1_700_000_000_002,
              agent: null,
              tenantId: null,
              steps: 0,
              modelCalls: 0,
              inputTokens: 0,
              outputTokens: 0,
              costUsd: 0,
              errors: 0,
              waits: 0,
            },
            {
              threadId: b,
              status: 'running',
              version: 1,
              updatedAt: 1_700_000_000_001,
              agent: 'other',
              tenantId: `${tenant}-2`,
              steps: 1,
              modelCalls: 1,
              inputTokens: 1_000,
              outputTokens: 200,
              costUsd: 2,
              errors: 0,
              waits: 0,
            },
          ]);
          const ids = async (filter: Parameters<RunLog['listRuns']>[0]) =>
            (await log.listRuns({ threadPrefix: `${batch}/`, ...filter })).map(
              (run) => run.threadId,
            );
          assert.deepEqual(await ids({ status: 'running' }), [c, b]);
          assert.deepEqual(await ids({ agent: 'triage' }), [a]);
          assert.deepEqual(await ids({ tenantId: `${tenant}-2` }), [b]);
          assert.deepEqual(await ids({ threadPrefix: b }), [b]);
          assert.deepEqual(await ids({ threadId: c }), [c]);
          assert.deepEqual(await ids({ since: 1_700_000_000_002 }), [a, c]);
          assert.deepEqual(await ids({ until: 1_700_000_000_002 }), [b]);
          assert.deepEqual(await ids({ limit: 1 }), [a]);
          assert.deepEqual(await ids({ threadPrefix: `${batch}/none` }), []);

          // A thread and its child agents' threads, not a thread whose id merely begins with it.
          const [parent, child, lookalike] = [`${batch}/p`, `${batch}/p/0.s#0`, `${batch}/p0`];
          await store!.save(checkpointAt(parent, 1));
          for (const version of [1, 2]) await store!.save(checkpointAt(child, version));
          await store!.save(checkpointAt(lookalike, 1));
          assert.deepEqual(
            (await log.listRuns({ threadFamily: parent })).map((run) => run.threadId),
            [child, parent],
          );

          // A thread stopped (or done by another way out) with its wait unanswered: the human
          // step stays `started` in the journal, but no wait is open any more.
          const ended = `${batch}-ended`;
          const stopped = checkpointAt(ended, 1);
          await store!.save({ ...stopped, run: { ...stopped.run, status: 'stopped' } });
          await store!.putEffect({
            ...modelCallEntry(ended, 'h/0:human', 'started', { tenantId: tenant }),
            kind: 'human',
            name: 'human',
          });
          const [endedRun] = await log.listRuns({ threadId: ended });
          assert.equal(endedRun?.status, 'stopped');
          assert.equal(endedRun?.waits, 0);
        }),
    },
  ];
}
