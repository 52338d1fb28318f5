import type { SqliteCheckpointer } from '@agentchart/core';

/** An escalated ticket waiting at the desk, as the store has it. */
export interface DeskItem {
  threadId: string;
  /** The wait to answer (one per thread here). */
  waitId: string;
  /** What the desk is asked. */
  prompt: string;
  /** When the ticket was escalated, and when it times out (ms since the epoch). */
  since: number;
  deadline?: number;
}

/**
 * The desk's queue, read from the store — no live run needed: every thread resting in
 * `waiting` with a human wait its journal shows started and not answered. Any process that
 * opens the same database sees it.
 */
export async function deskQueue(store: SqliteCheckpointer): Promise<DeskItem[]> {
  const items: DeskItem[] = [];
  for (const thread of await store.listThreads({ status: 'waiting' })) {
    for (const entry of await store.listEffects(thread.threadId)) {
      if (entry.kind !== 'human' || entry.status !== 'started') continue;
      const deadline = entry.meta?.deadline;
      items.push({
        threadId: thread.threadId,
        waitId: entry.key,
        prompt: String(entry.input),
        since: entry.startedAt,
        ...(typeof deadline === 'number' ? { deadline } : {}),
      });
    }
  }
  return items.sort((a, b) => a.since - b.since);
}
