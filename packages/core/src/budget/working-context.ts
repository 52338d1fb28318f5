import type { ChatMessage } from '../model/types';
import type { TokenCounter } from './token-counter';
import type {
  ContextInput,
  ContextItem,
  MessageSectionName,
  SectionTokens,
  TrimRecord,
} from './types';

/** An item of the context being planned, with its size. */
export interface WorkingItem {
  item: ContextItem;
  /** Position in the request. */
  order: number;
  tokens: number;
  kept: boolean;
}

/** Reply priming: tokens every request spends outside its messages. */
export const framingTokens = 3;

/** The mutable state of one planning: items kept, sizes, and what was done. */
export class WorkingContext {
  readonly items: WorkingItem[];
  readonly toolTokens: number;
  readonly framingTokens: number = framingTokens;
  readonly trimmed: TrimRecord[] = [];
  reserve: number;
  #messageTokens = 0;

  constructor(
    context: ContextInput,
    readonly counter: TokenCounter,
    readonly capacity: number,
    reserve: number,
  ) {
    this.reserve = reserve;
    let hasSystemMessage = false;
    this.items = context.items.map((item, order) => {
      let tokens = 0;
      for (const message of item.messages) {
        tokens += counter.countMessage(message);
        if (message.role === 'system') hasSystemMessage = true;
      }
      this.#messageTokens += tokens;
      return { item, order, tokens, kept: true };
    });
    this.toolTokens =
      counter.countTools(context.tools ?? [], { hasSystemMessage }) +
      counter.countResponseFormat(context.responseFormat);
  }

  /** Input tokens of what is kept now, framing and tools included. */
  get inputTokens(): number {
    return this.#messageTokens + this.toolTokens + this.framingTokens;
  }

  /** Tokens over the capacity (input and reserve); zero or less when it fits. */
  get overflow(): number {
    return this.inputTokens + this.reserve - this.capacity;
  }

  drop(working: WorkingItem): void {
    if (!working.kept) return;
    working.kept = false;
    this.#messageTokens -= working.tokens;
  }

  /** Replaces one message of an item (a cut version of it) and updates the sizes. */
  replaceMessage(working: WorkingItem, index: number, message: ChatMessage): void {
    working.item = {
      ...working.item,
      messages: working.item.messages.map((old, at) => (at === index ? message : old)),
    };
    const tokens = sumTokens(working.item.messages, this.counter);
    this.#messageTokens += tokens - working.tokens;
    working.tokens = tokens;
  }

  /** Kept history items that may be trimmed or compressed: unpinned, not among the last `keepLast`. */
  removableHistory(keepLast: number): WorkingItem[] {
    const history = this.items.filter(
      (working) => working.kept && working.item.section === 'history',
    );
    return history
      .slice(0, Math.max(0, history.length - keepLast))
      .filter((working) => !working.item.pinned);
  }

  /** Tokens per section of what is kept now (`output` is the reserve). */
  sectionTokens(): SectionTokens {
    const sections: SectionTokens = {
      system: 0,
      tools: this.toolTokens,
      memory: 0,
      documents: 0,
      history: 0,
      input: 0,
      output: this.reserve,
    };
    for (const working of this.items) {
      if (working.kept) sections[working.item.section] += working.tokens;
    }
    return sections;
  }

  /** Records what a strategy did to a set of items. */
  record(
    section: MessageSectionName,
    strategy: TrimRecord['strategy'],
    action: TrimRecord['action'],
    affected: readonly { item: ContextItem; before: number; after: number }[],
  ): void {
    if (affected.length === 0) return;
    const labels = affected.flatMap(({ item }) => (item.label ? [item.label] : []));
    this.trimmed.push({
      section,
      strategy,
      action,
      messages: affected.reduce((sum, { item }) => sum + item.messages.length, 0),
      tokensBefore: affected.reduce((sum, { before }) => sum + before, 0),
      tokensAfter: affected.reduce((sum, { after }) => sum + after, 0),
      ...(labels.length ? { labels } : {}),
    });
  }

  /** The kept messages, in request order. */
  messages(): ChatMessage[] {
    // A loop, not filter and flatMap: planned before every model call, over the whole history.
    const messages: ChatMessage[] = [];
    for (const working of this.items) {
      if (working.kept) for (const message of working.item.messages) messages.push(message);
    }
    return messages;
  }
}

function sumTokens(messages: readonly ChatMessage[], counter: TokenCounter): number {
  let tokens = 0;
  for (const message of messages) tokens += counter.countMessage(message);
  return tokens;
}
