import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue, optionNamesOf } from '../errors/option-names';
import type { ChatMessage, ResponseFormat, ToolDefinition } from '../model/types';
import { placeAtEdges } from './place-at-edges';
import type { ContextInput, ContextItem } from './types';

/** A block of text for memory or documents. */
export interface ContextBlock {
  text: string;
  /** Shown to the model (`Document <label>`) and in the ledger. */
  label?: string | undefined;
  /** Relevance: the least relevant is dropped first and placed in the middle. Default 0. */
  rank?: number | undefined;
  /** Never dropped or cut. */
  pinned?: boolean | undefined;
}

/** Options of {@link buildContext}. */
export interface BuildContextOptions {
  system?: string | undefined;
  /** Facts remembered across turns; sent as system messages after the system prompt. */
  memory?: readonly (string | ContextBlock)[] | undefined;
  /** Retrieved documents; sent as user messages before the history. */
  documents?: readonly ContextBlock[] | undefined;
  /** Earlier turns, oldest first. */
  history?: readonly ChatMessage[] | undefined;
  /** Turns of the history (by index) that trimming must keep. */
  pinnedHistory?: readonly number[] | undefined;
  /** The user's content now: text or messages. */
  input: string | readonly ChatMessage[];
  tools?: ToolDefinition[] | undefined;
  responseFormat?: ResponseFormat | undefined;
  /**
   * Where documents go: in the order given, or the most relevant at the edges and the least in
   * the middle (see {@link placeAtEdges}). Default `edges`.
   */
  documentPlacement?: 'in-order' | 'edges' | undefined;
}

/**
 * A request's context from its parts, laid out so key material is away from the middle: the
 * system prompt first, then memory, documents (most relevant at the edges), history, and the
 * user's input last.
 *
 * @example
 * ```ts
 * const context = buildContext({
 *   system: 'You answer from the documents only.',
 *   documents: hits.map((hit) => ({ text: hit.text, label: hit.id, rank: hit.score })),
 *   history,
 *   input: question,
 * });
 * const plan = planContext({ context, model: 'gpt-4o-mini', contextWindow: 128_000, counter });
 * ```
 */
export function buildContext(options: BuildContextOptions): ContextInput {
  checkBuildContextOptions(options);
  const {
    system,
    memory = [],
    documents = [],
    history = [],
    pinnedHistory = [],
    input,
    tools,
    responseFormat,
    documentPlacement = 'edges',
  } = options;
  const items: ContextItem[] = [];
  if (system) items.push({ section: 'system', messages: [{ role: 'system', content: system }] });
  for (const entry of memory) {
    const block = typeof entry === 'string' ? { text: entry } : entry;
    items.push({
      ...blockFacts(block),
      section: 'memory',
      messages: [{ role: 'system', content: `Memory: ${block.text}` }],
    });
  }
  const placed =
    documentPlacement === 'edges' ? placeAtEdges(documents, (d) => d.rank ?? 0) : documents;
  for (const block of placed) {
    const title = block.label ? `Document ${block.label}` : 'Document';
    items.push({
      ...blockFacts(block),
      section: 'documents',
      messages: [{ role: 'user', content: `${title}:\n${block.text}` }],
    });
  }
  const pinned = new Set(pinnedHistory);
  history.forEach((message, index) => {
    items.push({
      section: 'history',
      messages: [message],
      ...(pinned.has(index) ? { pinned: true } : {}),
    });
  });
  const inputMessages: ChatMessage[] =
    typeof input === 'string' ? [{ role: 'user', content: input }] : [...input];
  items.push({ section: 'input', messages: inputMessages });
  return {
    items: groupHistoryToolCalls(items),
    ...(tools?.length ? { tools } : {}),
    ...(responseFormat ? { responseFormat } : {}),
  };
}

function blockFacts(block: ContextBlock): Pick<ContextItem, 'rank' | 'label' | 'pinned'> {
  return {
    ...(block.rank === undefined ? {} : { rank: block.rank }),
    ...(block.label === undefined ? {} : { label: block.label }),
    ...(block.pinned ? { pinned: true } : {}),
  };
}

/** Joins each history tool-call message with the tool results that follow it. */
function groupHistoryToolCalls(items: ContextItem[]): ContextItem[] {
  const grouped: ContextItem[] = [];
  for (const item of items) {
    const previous = grouped.at(-1);
    const message = item.messages[0];
    const answersPrevious =
      item.section === 'history' &&
      previous?.section === 'history' &&
      message?.role === 'tool' &&
      previous.messages.some(
        (earlier) =>
          earlier.role === 'assistant' &&
          earlier.toolCalls?.some((call) => call.id === message.toolCallId),
      );
    if (answersPrevious && previous) {
      previous.messages.push(...item.messages);
      if (item.pinned) previous.pinned = true;
    } else {
      grouped.push({ ...item, messages: [...item.messages] });
    }
  }
  return grouped;
}

const contextOptionNames = optionNamesOf<BuildContextOptions>({
  system: true,
  memory: true,
  documents: true,
  history: true,
  pinnedHistory: true,
  input: true,
  tools: true,
  responseFormat: true,
  documentPlacement: true,
});

/**
 * A misspelt part (`sytem`) would be left out of the request without a word; a placement,
 * pinned turn or rank that means nothing would be ignored, or order documents at random.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
function checkBuildContextOptions(options: BuildContextOptions): void {
  checkOptionNames('buildContext', options, contextOptionNames);
  const fail = (message: string): never => {
    throw new DefinitionError('definition.invalid_option', `buildContext: ${message}`);
  };
  const {
    system,
    input,
    documentPlacement,
    pinnedHistory = [],
    history = [],
    documents = [],
  } = options;
  if (system !== undefined && typeof system !== 'string') {
    fail(`system is ${describeValue(system)}. Give the system prompt as text.`);
  }
  if (typeof input !== 'string' && !Array.isArray(input)) {
    fail(`input is ${describeValue(input)}. Give the user's content now: text or messages.`);
  }
  if (
    documentPlacement !== undefined &&
    documentPlacement !== 'edges' &&
    documentPlacement !== 'in-order'
  ) {
    fail(
      `documentPlacement is ${describeValue(documentPlacement)}. Give 'edges' (the default: the most relevant first and last) or 'in-order'.`,
    );
  }
  for (const index of pinnedHistory) {
    if (!Number.isInteger(index) || index < 0 || index >= history.length) {
      fail(
        `pinnedHistory has ${describeValue(index)}, which is not a turn of the history (indexes 0 to ${history.length - 1}). Give the indexes of the history's turns to keep.`,
      );
    }
  }
  for (const block of documents) {
    if (block.rank !== undefined && !Number.isFinite(block.rank)) {
      fail(
        `the document ${block.label === undefined ? '' : `"${block.label}" `}has rank ${describeValue(block.rank)}. Give a finite number (higher is more relevant), or leave it out for 0.`,
      );
    }
  }
}
