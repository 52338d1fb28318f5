import type { ChatMessage } from '../model/types';
import { type CutMiddleOptions, cutMiddle } from './cut-middle';
import type { MessageSectionName, SectionPolicy, TrimRecord } from './types';
import type { WorkingContext, WorkingItem } from './working-context';

/** Options of {@link cutOversized}. */
export interface CutOversizedOptions {
  policies: Record<MessageSectionName, SectionPolicy>;
  minCutTokens: number;
  headShare: number;
  keepWhole?: CutMiddleOptions['keepWhole'];
  /** The messages that may be cut, when not every message of a cuttable section may. */
  only?: (working: WorkingItem, message: ChatMessage) => boolean;
  /** The strategy the ledger names. Default `keep-head-and-tail`. */
  strategy?: TrimRecord['strategy'];
}

/**
 * `keep-head-and-tail`: cuts the middle out of the largest message of a cuttable section,
 * down to what the request needs (never below `minCutTokens`), and repeats with the next
 * largest until the request fits. The system prompt, system messages outside memory and pinned
 * items are never cut; of a tool call only its text is, never its arguments.
 */
export function cutOversized(
  context: WorkingContext,
  {
    policies,
    minCutTokens,
    headShare,
    keepWhole,
    only,
    strategy = 'keep-head-and-tail',
  }: CutOversizedOptions,
): void {
  for (let round = 0; round < 1_000 && context.overflow > 0; round++) {
    const largest = largestCuttable(context, policies, minCutTokens, only);
    if (!largest) return;
    const { working, index, message, contentTokens } = largest;
    const target = Math.max(minCutTokens, contentTokens - context.overflow);
    const content = cutMiddle(message.content, {
      maxTokens: target,
      counter: context.counter,
      headShare,
      tokens: contentTokens,
      ...(keepWhole ? { keepWhole } : {}),
      what: working.item.section === 'input' ? 'the input' : `this ${message.role} message`,
    });
    const before = working.tokens;
    context.replaceMessage(working, index, { ...message, content } as ChatMessage);
    context.record(working.item.section, strategy, 'cut-middle', [
      { item: { ...working.item, messages: [message] }, before, after: working.tokens },
    ]);
    if (working.tokens >= before) return;
  }
}

interface Candidate {
  working: WorkingItem;
  index: number;
  message: ChatMessage;
  contentTokens: number;
}

function largestCuttable(
  context: WorkingContext,
  policies: Record<MessageSectionName, SectionPolicy>,
  minCutTokens: number,
  only: CutOversizedOptions['only'],
): Candidate | undefined {
  let best: Candidate | undefined;
  for (const working of context.items) {
    const { section, pinned, messages } = working.item;
    if (!working.kept || pinned || !policies[section].cuttable || section === 'system') continue;
    messages.forEach((message, index) => {
      // Memory is sent as system messages (buildContext) and is cuttable by its policy; any
      // other system message — instructions an effect put among its input — is never cut.
      if (message.role === 'system' && section !== 'memory') return;
      if (only && !only(working, message)) return;
      // Content tokens without a second pass over the text: the message less its framing.
      const contentTokens =
        context.counter.countMessage(message) -
        context.counter.countMessage({ ...message, content: '' } as ChatMessage);
      if (contentTokens <= minCutTokens) return;
      if (!best || contentTokens > best.contentTokens)
        best = { working, index, message, contentTokens };
    });
  }
  return best;
}
