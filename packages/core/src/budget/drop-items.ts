import type { MessageSectionName, SectionPolicy, TrimRecord } from './types';
import type { WorkingContext, WorkingItem } from './working-context';

/** `trim-oldest-history`: drops the oldest removable history turns until the request fits. */
export function trimOldestHistory(context: WorkingContext, keepLastTurns: number): void {
  dropUntilFits(context, 'history', 'trim-oldest-history', context.removableHistory(keepLastTurns));
}

/**
 * `drop-lowest-priority`: drops whole unpinned items of droppable sections, the section of
 * lowest priority first; within a section the least relevant (rank) and then the oldest go
 * first. The last `keepLastTurns` history turns stay.
 */
export function dropLowestPriority(
  context: WorkingContext,
  policies: Record<MessageSectionName, SectionPolicy>,
  keepLastTurns: number,
): void {
  const sections = (Object.keys(policies) as MessageSectionName[])
    .filter((section) => policies[section].droppable)
    .sort((a, b) => policies[a].priority - policies[b].priority);
  for (const section of sections) {
    if (context.overflow <= 0) return;
    const candidates =
      section === 'history'
        ? context.removableHistory(keepLastTurns)
        : context.items
            .filter(
              (working) => working.kept && working.item.section === section && !working.item.pinned,
            )
            .sort((a, b) => (a.item.rank ?? 0) - (b.item.rank ?? 0) || a.order - b.order);
    dropUntilFits(context, section, 'drop-lowest-priority', candidates);
  }
}

/** Drops `candidates` in order until the request fits, and records what went. */
export function dropUntilFits(
  context: WorkingContext,
  section: MessageSectionName,
  strategy: TrimRecord['strategy'],
  candidates: readonly WorkingItem[],
): void {
  const affected = [];
  for (const working of candidates) {
    if (context.overflow <= 0) break;
    context.drop(working);
    affected.push({ item: working.item, before: working.tokens, after: 0 });
  }
  context.record(section, strategy, 'dropped', affected);
}
