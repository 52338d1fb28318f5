import type { Checkpoint, JournalEntry, StoredThread } from '@agentchart/core';
import { currentReplySchema, effectStillRuns } from '@agentchart/core/internal';
import type { AnyStateMachine } from 'xstate';
import type { ReadingStore } from '../commands/open-store';
import { openWaits, sameJson } from '../show/open-waits';
import { childThreadOf } from '../show/thread-timeline';
import type { AgentCatalog } from './agent-catalog';
import { buildRunTimeline, type TimelineCheckpoint } from './build-run-timeline';
import type { RunSource } from './run-source';
import type { PendingWait, RunDetail, RunPage, RunQuery, RunSummary } from './types';
import { waitSummary } from './wait-summary';

/** Options of {@link journalRunSource}. */
export interface JournalRunSourceOptions {
  /** Read only; the caller closes it. */
  store: ReadingStore;
  catalog: AgentCatalog;
  /** Whether waits can be answered (the studio was given the agents). */
  canReply: boolean;
}

const defaultPageSize = 100;

/**
 * Runs read from a run database's checkpoints (state, context, usage) and effect journal
 * (model calls, tool calls, waits). The list reads the thread table, then the latest
 * checkpoint of only the runs on the page asked for (cached by version), so a database of
 * many thousands of runs opens as fast as one of ten.
 */
export function journalRunSource({ store, catalog, canReply }: JournalRunSourceOptions): RunSource {
  const summaries = new Map<string, { version: number; summary: RunSummary }>();

  const summaryOf = async (thread: StoredThread): Promise<RunSummary | undefined> => {
    const cached = summaries.get(thread.threadId);
    if (cached && cached.version === thread.version) return cached.summary;
    const checkpoint = await store.latest(thread.threadId);
    if (!checkpoint) return undefined;
    const summary = await summarise(checkpoint, thread);
    summaries.set(thread.threadId, { version: thread.version, summary });
    return summary;
  };

  const summarise = async (checkpoint: Checkpoint, thread: StoredThread): Promise<RunSummary> => {
    const { usage, startedAt } = checkpoint.run;
    const named = (checkpoint.run as { agent?: unknown }).agent;
    const summary: RunSummary = {
      threadId: thread.threadId,
      status: thread.status,
      agent: typeof named === 'string' ? named : catalog.nameOf(checkpoint.machineVersion),
      machineVersion: checkpoint.machineVersion,
      startedAt,
      updatedAt: thread.updatedAt,
      durationMs: Math.max(0, thread.updatedAt - startedAt),
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      costUsd: usage.costUsd,
      modelCalls: usage.modelCalls,
      toolCalls: usage.toolCalls,
      steps: usage.steps,
      ...(checkpoint.run.parentThreadId === undefined
        ? {}
        : { parentThreadId: checkpoint.run.parentThreadId }),
    };
    if (thread.status === 'waiting') {
      // A wait whose state was left stays `started` in the journal; the checkpoint says so.
      const wait = (await store.listEffects(thread.threadId)).find(
        (entry) =>
          entry.kind === 'human' &&
          entry.status === 'started' &&
          effectStillRuns(checkpoint, entry.key),
      );
      if (wait) summary.waitingFor = waitSummary(wait.input);
    }
    return summary;
  };

  return {
    async listRuns({ status, agent, search, offset = 0, limit = defaultPageSize }: RunQuery) {
      const threads = await store.listThreads();
      const statusCounts: RunPage['statusCounts'] = {};
      for (const thread of threads) {
        statusCounts[thread.status] = (statusCounts[thread.status] ?? 0) + 1;
      }
      const needle = search?.toLowerCase();
      let matching = threads.filter(
        (thread) =>
          (status === undefined || thread.status === status) &&
          (needle === undefined || thread.threadId.toLowerCase().includes(needle)),
      );
      // Waiting runs first (someone has to act), then the most recently updated.
      matching.sort(
        (a, b) =>
          Number(b.status === 'waiting') - Number(a.status === 'waiting') ||
          b.updatedAt - a.updatedAt ||
          (a.threadId < b.threadId ? -1 : 1),
      );
      if (agent !== undefined) {
        // The agent is in each run's checkpoint: this filter reads them all (once, cached).
        const named = await Promise.all(matching.map(summaryOf));
        matching = matching.filter((_, index) => named[index]?.agent === agent);
      }
      const page = matching.slice(offset, offset + limit);
      const runs = (await Promise.all(page.map(summaryOf))).filter(
        (summary): summary is RunSummary => summary !== undefined,
      );
      const agents = new Set(catalog.all().map((entry) => entry.name));
      for (const { summary } of summaries.values()) agents.add(summary.agent);
      return { runs, total: matching.length, statusCounts, agents: [...agents].sort() };
    },

    async getRun(threadId) {
      const latest = await store.latest(threadId);
      if (!latest) return undefined;
      const [history, journal] = await Promise.all([
        store.list(threadId),
        store.listEffects(threadId),
      ]);
      const checkpoints: TimelineCheckpoint[] = [];
      for (const { version } of history) {
        const checkpoint = version === latest.version ? latest : await store.get(threadId, version);
        if (checkpoint) checkpoints.push(timelineCheckpoint(checkpoint));
      }
      const head = history.at(-1);
      const thread: StoredThread = {
        threadId,
        version: latest.version,
        status: latest.run.status,
        updatedAt: head?.createdAt ?? latest.createdAt,
      };
      const summary = await summarise(latest, thread);
      const entry = catalog.get(latest.machineVersion);
      const timeline = buildRunTimeline({
        checkpoints,
        journal,
        ...(entry ? { stateOfInvoke: entry.stateOfInvoke } : {}),
        endedAt: thread.updatedAt,
        waitStillOpen: (key) => effectStillRuns(latest, key),
      });
      const snapshot = latest.snapshot as { output?: unknown };
      const detail: RunDetail = {
        summary,
        input: latest.run.input,
        ...(snapshot.output === undefined ? {} : { output: snapshot.output }),
        steps: timeline.steps,
        heat: timeline.heat,
        waits: [
          ...timeline.waits.map((wait) => withReplySchemaNow(wait, journal, entry?.machine)),
          ...(await childWaits(store, latest, journal)),
        ],
        canReply,
      };
      return detail;
    },

    async changeToken() {
      const threads = await store.listThreads();
      let versions = 0;
      let newest = 0;
      for (const thread of threads) {
        versions += thread.version;
        newest = Math.max(newest, thread.updatedAt);
      }
      return `${threads.length}:${versions}:${newest}`;
    },

    close() {
      // The store is the caller's: it opened it and closes it.
    },
  };
}

/**
 * `wait` with the reply schema the studio's agent checks its replies with now, and the one
 * recorded when it opened beside it when they differ: a deploy that changed a `humanWait`'s
 * reply keeps the chart's version (the studio finds the new code's machine for the thread),
 * but a form built from the recorded schema writes a reply that code refuses.
 */
function withReplySchemaNow(
  wait: PendingWait,
  journal: readonly JournalEntry[],
  machine: AnyStateMachine | undefined,
): PendingWait {
  const opened = machine && journal.find((entry) => entry.key === wait.waitId);
  if (!opened) return wait;
  const state = opened.meta?.state;
  const now = currentReplySchema(machine, {
    state: typeof state === 'string' ? state : null,
    site: opened.site,
  });
  if (now === undefined || sameJson(now.schema, wait.replySchema)) return wait;
  const { replySchema: recorded, ...rest } = wait;
  return {
    ...rest,
    ...(now.schema === undefined ? {} : { replySchema: now.schema }),
    recordedReplySchema: recorded ?? null,
  };
}

/**
 * The waits of the child agents a run waits on, named as the run answers them
 * (`<child>/<wait>`): a parent rests waiting (or runs on) while its child asks a person, and
 * the reply is the parent's to take — its page shows the question and the form.
 */
async function childWaits(
  store: ReadingStore,
  latest: Checkpoint,
  journal: readonly JournalEntry[],
): Promise<PendingWait[]> {
  const { status } = latest.run;
  if (status !== 'waiting' && status !== 'running') return [];
  const waits: PendingWait[] = [];
  for (const entry of journal) {
    if (entry.kind !== 'agent' || entry.status !== 'started') continue;
    if (!effectStillRuns(latest, entry.key)) continue;
    for (const wait of await openWaits(store, childThreadOf(entry), 1, latest.threadId)) {
      waits.push({
        waitId: wait.waitId,
        prompt: wait.prompt,
        ...(wait.replySchema === undefined ? {} : { replySchema: wait.replySchema }),
        ...(wait.deadline === undefined ? {} : { deadline: wait.deadline }),
        ...(wait.approval ? { approval: true as const } : {}),
        childThreadId: wait.threadId,
      });
    }
  }
  return waits;
}

function timelineCheckpoint(checkpoint: Checkpoint): TimelineCheckpoint {
  const snapshot = checkpoint.snapshot as { value?: unknown; context?: unknown };
  const { usage } = checkpoint.run;
  return {
    version: checkpoint.version,
    createdAt: checkpoint.createdAt,
    status: checkpoint.run.status,
    value: snapshot.value,
    context: snapshot.context,
    costUsd: usage.costUsd,
    tokens: usage.inputTokens + usage.outputTokens,
  };
}
