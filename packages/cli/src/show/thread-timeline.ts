import type { Checkpointer, EffectLogRow, RunLog } from '@agentchart/core';
import type { LateToolResult } from '@agentchart/core/internal';
import { lateResultOf } from './late-result';
import { stoppedStepReason } from './stopped-step-reason';

/** What `show` reads: a store and its run log. */
export type InspectedStore = Checkpointer & RunLog;

/** One line of a thread's timeline: a chart state entered, or an effect step. */
export type TimelineItem =
  | { type: 'state'; at: number; state: string; threadId: string; depth: number }
  | {
      type: 'step';
      at: number;
      row: EffectLogRow;
      /** The failed step's error, as its journal record has it. */
      error?: { code: string; message: string };
      /** What its `unsafe` tool returned after the run ended or the state was left. */
      lateResult?: LateToolResult;
      depth: number;
    };

/** The most checkpoints read for a thread's state changes; a longer history shows its last ones. */
const maxCheckpoints = 500;
/** How deep child agents (and theirs) are shown under the step that ran them. */
const maxDepth = 4;

/**
 * A thread's timeline: the chart states it entered (read from its checkpoints) and every
 * effect step of its run log, in the order they happened; a child agent's own timeline
 * follows the step that ran it, one level in.
 */
export async function threadTimeline(
  store: InspectedStore,
  threadId: string,
  depth = 0,
): Promise<TimelineItem[]> {
  const [states, rows, journal] = await Promise.all([
    stateChanges(store, threadId),
    store.listEffectLog({ threadId }),
    store.listEffects(threadId),
  ]);
  const errors = new Map(
    journal.map((entry) => [entry.key, entry.error ?? stoppedStepReason(entry)]),
  );
  const lateResults = new Map(journal.map((entry) => [entry.key, lateResultOf(entry)]));
  const items: TimelineItem[] = [];
  let next = 0;
  const enter = (until: number) => {
    for (; next < until; next++) {
      const { at, state } = states[next]!;
      items.push({ type: 'state', at, state, threadId, depth });
    }
  };
  const shows = (index: number, state: string) => states[index]!.state.split(', ').includes(state);
  const enterStatesBefore = ({ startedAt, state }: EffectLogRow) => {
    // The changes checkpointed before the step started …
    let until = next;
    while (until < states.length && states[until]!.at < startedAt) until++;
    enter(until);
    // … and the one that shows the step's own state: a step starts as its state is entered,
    // a moment before the checkpoint that shows it (or in the same millisecond).
    if (state === null || (next > 0 && shows(next - 1, state))) return;
    while (until < states.length && !shows(until, state) && states[until]!.at <= startedAt) {
      until++;
    }
    if (until < states.length && shows(until, state)) enter(until + 1);
  };
  for (const row of rows) {
    enterStatesBefore(row);
    const error = errors.get(row.key);
    const lateResult = lateResults.get(row.key);
    items.push({
      type: 'step',
      at: row.startedAt,
      row,
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
      ...(lateResult ? { lateResult } : {}),
      depth,
    });
    if (row.kind === 'agent' && depth < maxDepth) {
      items.push(...(await threadTimeline(store, childThreadOf(row), depth + 1)));
    }
  }
  enter(states.length);
  return items;
}

/** The thread of the child agent a step ran: `<parent thread>/<site>#<occurrence>`. */
export function childThreadOf(row: Pick<EffectLogRow, 'threadId' | 'key'>): string {
  return `${row.threadId}/${row.key.slice(0, row.key.lastIndexOf('/'))}`;
}

/** When the thread's active states changed, from its checkpoints. */
async function stateChanges(
  store: InspectedStore,
  threadId: string,
): Promise<{ at: number; state: string }[]> {
  const versions = (await store.list(threadId)).slice(-maxCheckpoints);
  const changes: { at: number; state: string }[] = [];
  for (const { version } of versions) {
    const checkpoint = await store.get(threadId, version).catch(() => undefined);
    if (!checkpoint) continue;
    const state = stateText((checkpoint.snapshot as { value?: unknown }).value);
    if (state !== changes.at(-1)?.state) changes.push({ at: checkpoint.createdAt, state });
  }
  return changes;
}

/** A state value as its active leaf states, dotted and comma-separated: `review.legal, billing`. */
export function stateText(value: unknown, prefix = ''): string {
  if (typeof value === 'string') return prefix + value;
  if (typeof value !== 'object' || value === null) return prefix + JSON.stringify(value ?? null);
  const leaves = Object.entries(value as Record<string, unknown>).map(([key, child]) =>
    child === undefined ||
    (typeof child === 'object' && child !== null && !Object.keys(child).length)
      ? prefix + key
      : stateText(child, `${prefix}${key}.`),
  );
  return leaves.join(', ');
}
