import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import type { ChatMessage, ChatRequest, ResponseFormat, ToolDefinition } from '../model/types';
import { estimateTextTokens } from './estimate-text-tokens';
import { renderSchemaType, renderToolsForCounting } from './render-tools-for-counting';
import type { CountToolsOptions, TokenCounter } from './token-counter';

/** Options of {@link createTokenCounter}. */
export interface TokenCounterOptions {
  /** What counts are made with, for ledgers: an encoding name or `estimate`. */
  encoding: string;
  /** True when `countText` is the model's own tokenizer. */
  exact: boolean;
  /** Tokens of plain text. */
  countText(text: string): number;
}

/** Every message is framed as `<|start|>{role}<|message|>{content}<|end|>`: 3 tokens and the role. */
const tokensPerMessage = 3;
/** Role and tool names remembered with their counts, at most: a model may invent names. */
const maxRememberedNames = 256;
/** Every reply is primed with `<|start|>assistant<|message|>`. */
const replyPrimingTokens = 3;
/** Tool definitions open a `# Tools` block of their own. */
const toolsOverhead = 9;
/** …of which 4 are saved when they join an existing system message. */
const toolsInSystemSaving = 4;
/** Each tool call the assistant made: its framing, beside its name and arguments. */
const tokensPerToolCall = 3;

/**
 * A {@link TokenCounter} that frames messages the way OpenAI's chat models do, around any
 * text counter. The rules:
 * - a message takes 3 tokens plus its role and content; a reply is primed with 3 more (as
 *   OpenAI documents; exact against the counts it publishes);
 * - tool definitions are counted as the TypeScript text OpenAI renders them to
 *   ({@link renderToolsForCounting}) plus 9, or plus 5 when there is a system message
 *   (inferred; exact against OpenAI's published tool-calling example);
 * - an assistant's tool call adds 3 plus its name and arguments; a tool result counts like a
 *   named message (inferred from function-role messages: an approximation);
 * - a `json_schema` response format is counted as its schema rendered as a type, plus 9
 *   (an approximation: OpenAI publishes no rule).
 *
 * Message counts are remembered per message object (and content), so a growing
 * conversation is not re-counted from the start on every call; tool definitions per list
 * (and each entry's name, description and schema object), response formats per object.
 */
export function createTokenCounter(options: TokenCounterOptions): TokenCounter {
  checkTokenCounterOptions(options);
  const { encoding, exact, countText } = options;
  const remembered = new WeakMap<ChatMessage, { content: string; tokens: number }>();
  // Roles and tool names: a handful of short texts every message carries, counted once each.
  const names = new Map<string, number>();
  const countName = (name: string): number => {
    let tokens = names.get(name);
    if (tokens === undefined) {
      tokens = countText(name);
      if (names.size < maxRememberedNames) names.set(name, tokens);
    }
    return tokens;
  };

  const countMessage = (message: ChatMessage): number => {
    const known = remembered.get(message);
    if (known && known.content === message.content) return known.tokens;
    let tokens = tokensPerMessage + countName(message.role) + countText(message.content);
    if (message.role === 'assistant' && message.toolCalls) {
      for (const call of message.toolCalls) {
        tokens += tokensPerToolCall + countName(call.name) + countText(call.arguments);
      }
    }
    // A tool result carries the tool's name, like a named message (+1), less 2 (function role).
    if (message.role === 'tool') tokens += countName(message.name) - 1;
    remembered.set(message, { content: message.content, tokens });
    return tokens;
  };

  const countMessages = (messages: readonly ChatMessage[]): number => {
    let tokens = replyPrimingTokens;
    for (const message of messages) tokens += countMessage(message);
    return tokens;
  };

  // A tool loop sends the same definitions (and a structured call the same format) with
  // every call: their rendering is counted once per list, while its entries are unchanged.
  const rememberedTools = new WeakMap<
    readonly ToolDefinition[],
    { entries: ToolDefinition[]; tokens: number }
  >();
  const rememberedFormats = new WeakMap<
    ResponseFormat,
    { name: string; schema: Record<string, unknown>; tokens: number }
  >();

  const countTools = (
    tools: readonly ToolDefinition[],
    options: CountToolsOptions = {},
  ): number => {
    if (tools.length === 0) return 0;
    const saving = options.hasSystemMessage ? toolsInSystemSaving : 0;
    let known = rememberedTools.get(tools);
    if (!known || !sameDefinitions(known.entries, tools)) {
      known = {
        entries: tools.map((tool) => ({ ...tool })),
        tokens: countText(renderToolsForCounting(tools)),
      };
      rememberedTools.set(tools, known);
    }
    return known.tokens + toolsOverhead - saving;
  };

  const countResponseFormat = (format: ResponseFormat | undefined): number => {
    if (format?.type !== 'json_schema') return 0;
    const known = rememberedFormats.get(format);
    if (known && known.name === format.name && known.schema === format.schema) {
      return known.tokens;
    }
    const text = `// ${format.name}\ntype ${format.name} = ${renderSchemaType(format.schema)};`;
    const tokens = countText(text) + toolsOverhead;
    rememberedFormats.set(format, { name: format.name, schema: format.schema, tokens });
    return tokens;
  };

  return {
    encoding,
    exact,
    countText,
    countMessage,
    countMessages,
    countTools,
    countResponseFormat,
    countRequest: (request: ChatRequest) =>
      countMessages(request.messages) +
      countTools(request.tools ?? [], {
        hasSystemMessage: request.messages.some((message) => message.role === 'system'),
      }) +
      countResponseFormat(request.responseFormat),
  };
}

/**
 * Core's default {@link TokenCounter}: OpenAI's chat framing around
 * {@link estimateTextTokens}, a conservative estimate made without a tokenizer
 * (`exact: false`). Install `@agentchart/tokenizer` for exact counts.
 */
export const estimateTokenCounter: TokenCounter = createTokenCounter({
  encoding: 'estimate',
  exact: false,
  countText: estimateTextTokens,
});

/** True when `tools` holds the same definitions, with the same fields, as when remembered. */
function sameDefinitions(
  remembered: readonly ToolDefinition[],
  tools: readonly ToolDefinition[],
): boolean {
  if (remembered.length !== tools.length) return false;
  for (let index = 0; index < tools.length; index++) {
    const before = remembered[index]!;
    const now = tools[index]!;
    if (
      before.name !== now.name ||
      before.description !== now.description ||
      before.parameters !== now.parameters
    ) {
      return false;
    }
  }
  return true;
}

/**
 * A counter with no `countText` fails at the first request it plans; an empty encoding or a
 * non-boolean `exact` would mislabel every ledger.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
function checkTokenCounterOptions(options: TokenCounterOptions): void {
  checkOptionNames('createTokenCounter', options, ['encoding', 'exact', 'countText']);
  const { encoding, exact, countText } = options;
  const fail = (message: string): never => {
    throw new DefinitionError('definition.invalid_option', `createTokenCounter: ${message}`);
  };
  if (typeof encoding !== 'string' || encoding.trim() === '') {
    fail(
      `encoding is ${describeValue(encoding)}. Name the encoding the counts are made with ('o200k_base'), or 'estimate'.`,
    );
  }
  if (typeof exact !== 'boolean') {
    fail(
      `exact is ${describeValue(exact)}. Give true when countText is the model's own tokenizer, false otherwise.`,
    );
  }
  if (typeof countText !== 'function') {
    fail(
      `countText is ${describeValue(countText)}. Give a function that returns the tokens of a text.`,
    );
  }
}
