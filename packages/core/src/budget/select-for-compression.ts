import { summaryMessageOverhead } from './history-summary';
import type { ContextItem } from './types';
import type { WorkingContext } from './working-context';

/**
 * `compress-history`: the oldest removable history turns whose replacement by a summary of
 * `summaryTokens` makes the request fit (all of them when even that is not enough). Empty
 * when there is nothing to compress.
 */
export function selectForCompression(
  context: WorkingContext,
  keepLastTurns: number,
  summaryTokens: number,
): ContextItem[] {
  const candidates = context.removableHistory(keepLastTurns);
  // The summary itself takes room: its text, its heading and a message's framing.
  const needed = context.overflow + summaryTokens + summaryMessageOverhead(context.counter);
  const chosen: ContextItem[] = [];
  let freed = 0;
  for (const working of candidates) {
    if (freed >= needed) break;
    chosen.push(working.item);
    freed += working.tokens;
  }
  // Compressing a single short turn into a longer summary would not help.
  return freed > summaryTokens ? chosen : [];
}
