import type { ChatMessage, ResponseFormat, ToolDefinition } from '../model/types';

/**
 * The parts a request's context window is spent on: the system prompt, tool schemas (and a
 * structured-output schema), memory, retrieved documents, conversation history, the user's
 * input, and the output reserved for the answer.
 */
export type ContextSectionName =
  | 'system'
  | 'tools'
  | 'memory'
  | 'documents'
  | 'history'
  | 'input'
  | 'output';

/** The sections made of messages (tools and output are not). */
export type MessageSectionName = Exclude<ContextSectionName, 'tools' | 'output'>;

/** Tokens per section. */
export type SectionTokens = Record<ContextSectionName, number>;

/**
 * One unit of context the planner keeps, drops, compresses or cuts as a whole: a message, or
 * an assistant's tool calls together with their results (never sent apart: the provider
 * rejects a tool result whose call is missing).
 */
export interface ContextItem {
  section: MessageSectionName;
  messages: ChatMessage[];
  /** Never dropped, compressed or cut. */
  pinned?: boolean | undefined;
  /** Relevance of a document or memory; the least relevant is dropped first. Default 0. */
  rank?: number | undefined;
  /** A name for the ledger, e.g. a document's id. */
  label?: string | undefined;
}

/** A request's context as the planner sees it: items in the order they are sent. */
export interface ContextInput {
  items: ContextItem[];
  tools?: ToolDefinition[] | undefined;
  responseFormat?: ResponseFormat | undefined;
}

/**
 * What the planner may do when a request does not fit, applied in the order given until it
 * fits:
 * - `trim-oldest-history`: drop the oldest history turns, keeping pinned ones and the last
 *   `keepLastTurns`; an assistant's tool calls leave with their results;
 * - `drop-lowest-priority`: drop whole items of droppable sections, lowest priority first
 *   (by default history, then documents by relevance, then memory);
 * - `compress-history`: replace the oldest history turns with a summary written by a
 *   cheaper model (the caller's `summarise`, a journaled effect in a run);
 * - `keep-head-and-tail`: cut the middle out of the largest messages of cuttable sections
 *   (input, documents, memory, tool results), keeping their head and tail.
 */
export type ContextStrategy =
  | 'trim-oldest-history'
  | 'drop-lowest-priority'
  | 'compress-history'
  | 'keep-head-and-tail';

/** How one section is treated when the request is over the window. */
export interface SectionPolicy {
  /** Higher stays longer under `drop-lowest-priority`. */
  priority: number;
  /** Whether `drop-lowest-priority` may drop its (unpinned) items. */
  droppable: boolean;
  /** Whether `keep-head-and-tail` may cut the middle of its (unpinned) messages. */
  cuttable: boolean;
}

/** A state's context budget: how a model call is fitted to the window. */
export interface ContextBudgetOptions {
  /** Default `['trim-oldest-history', 'drop-lowest-priority']`. */
  strategies?: readonly ContextStrategy[] | undefined;
  /** Overrides of the default policies (see {@link defaultSectionPolicies}). */
  sections?:
    | Partial<
        Record<
          MessageSectionName,
          { [Field in keyof SectionPolicy]?: SectionPolicy[Field] | undefined } | undefined
        >
      >
    | undefined;
  /**
   * Tokens kept free for the answer. Default: the request's `maxOutputTokens`, else the
   * model's `maxOutputTokens` up to 4 096 and up to half the context window. Given, it is
   * still at least the request's own `maxOutputTokens`: a call's explicit output cap is never
   * lowered by it (only by `minOutputTokens`'s shrinking, which the ledger records).
   */
  reserveOutputTokens?: number | undefined;
  /** The reserve may shrink to this when nothing else helps. Default: no shrinking. */
  minOutputTokens?: number | undefined;
  /**
   * Share of the window kept unused when counts are estimates (`counter.exact` false), so an
   * estimate that errs low still fits. Default 0.05 for estimates, 0 for exact counts.
   */
  safetyMargin?: number | undefined;
  /**
   * History turns (items) never trimmed or compressed, counted from the end. Default 2. With
   * `trim-oldest-history` or `drop-lowest-priority`, a tool turn among them before the latest
   * still has its results cut, or leaves whole, when the request would not fit otherwise: a
   * tool loop sizes each turn's results to fit beside the prompt alone.
   */
  keepLastTurns?: number | undefined;
  /** A message is never cut below this many tokens by `keep-head-and-tail`. Default 256. */
  minCutTokens?: number | undefined;
  /** Share of a cut message's budget kept from its head (the rest from its tail). Default 0.5. */
  headShare?: number | undefined;
  /** Tokens the summary of compressed history may take. Default 512. */
  summaryTokens?: number | undefined;
}

/** One thing the planner did to fit a request. */
export interface TrimRecord {
  section: MessageSectionName | 'output';
  strategy: ContextStrategy | 'reduce-output-reserve' | 'trim-earlier-tool-turns';
  action: 'dropped' | 'compressed' | 'cut-middle' | 'reduced';
  /** Messages affected. */
  messages: number;
  tokensBefore: number;
  tokensAfter: number;
  /** Labels of the items affected, where they have one. */
  labels?: string[];
  /**
   * For `compress-history`, when the summary is not one written from the messages themselves:
   * `reused` — an earlier call's summary of the same messages, sent again with no summariser
   * call; `extended` — written from an earlier call's summary and the turns after it.
   * `messages` and `tokensBefore` always count the conversation's messages it stands for.
   */
  summary?: 'reused' | 'extended';
}

/**
 * The record of one model call's context: tokens per section before and after budgeting,
 * what was trimmed, and the token tax. A plain object: the runtime emits it as
 * `budget.ledger` and the run log stores it.
 */
export interface BudgetLedger {
  model: string;
  /** The counter's encoding, or `estimate`. */
  encoding: string;
  exact: boolean;
  contextWindow: number;
  /** The window less the safety margin: what input and reserved output may use together. */
  capacity: number;
  /** Tokens per section as sent; `output` is the reserve. */
  sections: SectionTokens;
  /** Tokens per section as requested, before budgeting. */
  sectionsBefore: SectionTokens;
  /** Tokens that frame the request as a whole (the reply priming), in no section. */
  framingTokens: number;
  /** Input tokens sent: every section but `output`, framing included. */
  inputTokens: number;
  inputTokensBefore: number;
  reservedOutputTokens: number;
  /** Tokens of the capacity left unused. */
  freeTokens: number;
  trimmed: TrimRecord[];
  /**
   * The token tax: share of the window spent on everything but the user's input and the
   * reserved output — system prompt, tool schemas, memory, documents, history and framing.
   */
  tokenTax: number;
  tokenTaxBefore: number;
  /** The part of the tax every call pays whatever the conversation: system, tools, framing. */
  fixedTax: number;
}

/** A plan that fits: the messages to send and its ledger. */
export interface FittingContextPlan {
  status: 'fits';
  /** The messages to send, in order. */
  messages: ChatMessage[];
  /** Output tokens reserved; a request that set `maxOutputTokens` must not ask for more. */
  reservedOutputTokens: number;
  ledger: BudgetLedger;
}

/** A plan that needs history compressed first: summarise `toSummarise`, then plan again. */
export interface CompressingContextPlan {
  status: 'needs-summary';
  /** History items to replace with one summary, oldest first. */
  toSummarise: ContextItem[];
  /** The most tokens the summary may take. */
  summaryTokens: number;
  /** Tokens per section and input tokens as requested, for the final ledger. */
  before: { sections: SectionTokens; inputTokens: number };
}

/** What {@link planContext} decides. */
export type ContextPlan = FittingContextPlan | CompressingContextPlan;
