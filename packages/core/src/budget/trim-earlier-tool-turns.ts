import { type CutOversizedOptions, cutOversized } from './cut-oversized';
import { dropUntilFits } from './drop-items';
import type { WorkingContext } from './working-context';

/**
 * What a request whose strategies trim history gets when they leave it over the window: the
 * tool turns among the last `keepLastTurns` history turns, before the latest, give way — their
 * results cut in the middle, largest first and not below `minCutTokens`, then, when that is
 * not enough, the turns dropped whole (a call with its results), oldest first. The latest
 * turn, pinned items, the input and the system prompt are never touched; older turns are
 * left to the strategies.
 *
 * `keepLastTurns` keeps the last turns from trimming, but a tool loop lets one turn's results
 * take up to half a small window (they must fit beside the prompt and the output reserve):
 * two such turns kept whole do not fit, and the loop failed on its third call. The model read
 * an earlier turn's results whole on the call after it, so they can be cut as the loop's cap
 * cuts any result — with a marker the model reads.
 */
export function trimEarlierToolTurns(
  context: WorkingContext,
  keepLastTurns: number,
  options: Omit<CutOversizedOptions, 'only' | 'strategy'>,
): void {
  if (context.overflow <= 0 || keepLastTurns < 2) return;
  const history = context.items.filter(
    (working) => working.kept && working.item.section === 'history',
  );
  const earlier = history
    .slice(Math.max(0, history.length - keepLastTurns), -1)
    .filter(
      (working) =>
        !working.item.pinned && working.item.messages.some((message) => message.role === 'tool'),
    );
  if (earlier.length === 0) return;
  const { history: policy } = options.policies;
  if (policy.cuttable) {
    const turns = new Set(earlier);
    cutOversized(context, {
      ...options,
      only: (working, message) => message.role === 'tool' && turns.has(working),
      strategy: 'trim-earlier-tool-turns',
    });
  }
  if (policy.droppable) dropUntilFits(context, 'history', 'trim-earlier-tool-turns', earlier);
}
