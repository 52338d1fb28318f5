import {
  type ChatModel,
  type ChatRequest,
  DefinitionError,
  type GenerateOptions,
  type ModelMetadata,
} from '@agentchart/core';
import { checkOptionNames, describeValue } from '@agentchart/core/internal';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { checkMaxTools } from '../generate/check-tool-count';
import { generateWithLangChain } from '../generate/generate-with-langchain';
import { toLangChainMessages } from '../messages/to-langchain-messages';
import {
  type StructuredOutputMode,
  toOpenAIResponseFormat,
} from '../messages/to-openai-response-format';
import { toOpenAITools } from '../messages/to-openai-tools';
import { resolveModelMetadata } from '../metadata/model-metadata';

/** The sampling settings of one request, for a model built per call. */
export interface LangChainModelSettings {
  temperature?: number;
  maxOutputTokens?: number;
}

/**
 * A LangChain chat model, or a function that builds one per call from the request's
 * settings: LangChain models take temperature and output limit in their constructor, so a
 * fixed instance always uses its own.
 */
export type LangChainModelSource =
  | BaseChatModel
  | ((settings: LangChainModelSettings) => BaseChatModel);

/** Options of {@link langChainChatModel}. */
export interface LangChainChatModelOptions {
  /** Defaults to the model's `model` or `modelName` field, else its class name. */
  modelName?: string | undefined;
  /**
   * Identity for breakers and rate limits; defaults to `langchain:<class name>:<model name>`,
   * with the client's base URL before the model name when the model has one (`ChatOpenAI`'s
   * `configuration.baseURL`), so two servers never share a breaker.
   */
  endpoint?: string | undefined;
  /** Context window, limits and prices; on top of the built-in entry when the name is known. */
  metadata?: { [Field in keyof ModelMetadata]?: ModelMetadata[Field] | undefined } | undefined;
  /** Limit for one attempt, from request to last streamed byte. No limit by default. */
  timeoutMs?: number | undefined;
  /** Stream answers: `true` always, `false` never; by default when the caller passes `onToken`. */
  streaming?: boolean | undefined;
  /**
   * How structured output is asked for. The OpenAI-style `response_format` call option goes
   * to every model (those that do not know it ignore it); `json_mode` (the default unless
   * `metadata.supportsJsonSchema`) also puts the schema in the system prompt, so models
   * without a response format still see it. The harness validates the answer either way.
   */
  structuredOutput?: StructuredOutputMode | undefined;
  /**
   * Credentials the model holds, for the agent to redact from everything it stores, emits or
   * logs. The model's own string fields named like API keys (`apiKey`, `openAIApiKey`,
   * `anthropicApiKey` …) are added to these.
   */
  secrets?: readonly string[] | undefined;
  /**
   * The most tools one request may offer (OpenAI: 128): a request with more fails with a
   * `ModelCallError` of kind `too_many_tools` before it is sent. No limit by default: the
   * model may be any provider's.
   */
  maxTools?: number | undefined;
}

/** The values of a LangChain model's own fields named like API keys. */
function keysOf(model: BaseChatModel): string[] {
  return Object.entries(model as unknown as Record<string, unknown>)
    .filter(([name, value]) => /api_?key$/i.test(name) && typeof value === 'string' && value !== '')
    .map(([, value]) => value as string);
}

/** What `generateWithLangChain` calls on a LangChain chat model. */
function isLangChainChatModel(value: unknown): value is BaseChatModel {
  const model = value as { invoke?: unknown; getName?: unknown } | null;
  return typeof model?.invoke === 'function' && typeof model.getName === 'function';
}

function nameOf(model: BaseChatModel): string {
  const fields = model as unknown as { model?: unknown; modelName?: unknown };
  if (typeof fields.model === 'string' && fields.model !== '') return fields.model;
  if (typeof fields.modelName === 'string' && fields.modelName !== '') return fields.modelName;
  return model.getName();
}

/**
 * A {@link ChatModel} over any LangChain chat model (Anthropic, Gemini, Bedrock, Ollama...):
 * tools bound with `bindTools`, messages and answers mapped as for OpenAI, failures mapped
 * onto `ModelCallError` from the status, headers and codes the provider's error carries.
 * Retries belong to the agent's reliability policy: every call asks the model for
 * `maxRetries: 0`, which turns ChatOpenAI's own retries off even when it was built with its
 * default of 6. For a provider that does not read that call option, build it with
 * `maxRetries: 0` as well.
 *
 * @example
 * ```ts
 * import { ChatAnthropic } from '@langchain/anthropic';
 *
 * const model = langChainChatModel(
 *   ({ temperature, maxOutputTokens }) =>
 *     new ChatAnthropic({ model: 'claude-sonnet-4-0', temperature, maxTokens: maxOutputTokens, maxRetries: 0 }),
 *   { metadata: { contextWindow: 200_000 } },
 * );
 * ```
 */
export function langChainChatModel(
  source: LangChainModelSource,
  options: LangChainChatModelOptions = {},
): ChatModel {
  checkOptionNames('langChainChatModel', options, [
    'modelName',
    'endpoint',
    'metadata',
    'timeoutMs',
    'streaming',
    'structuredOutput',
    'secrets',
    'maxTools',
  ]);
  const { timeoutMs, maxTools } = options;
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `langChainChatModel: option timeoutMs must be a positive number of milliseconds, got ${timeoutMs}.`,
    );
  }
  if (maxTools !== undefined) checkMaxTools('langChainChatModel', maxTools);
  const toolLimit = maxTools === undefined ? undefined : { maxTools, owner: 'langChainChatModel' };
  // A model built once for its names; the factory's models are side-effect free to construct.
  const probe = typeof source === 'function' ? source({}) : source;
  if (!isLangChainChatModel(probe)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `langChainChatModel: ${typeof source === 'function' ? 'the factory returned' : 'the model is'} ${describeValue(probe)}, not a LangChain chat model. Give one, such as new ChatAnthropic({ model }), or a function of { temperature, maxOutputTokens } that makes one.`,
    );
  }
  const modelName = options.modelName ?? nameOf(probe);
  const endpoint = options.endpoint ?? defaultEndpoint(probe, modelName);
  const known = resolveModelMetadata(modelName, options.metadata);
  const structuredOutput =
    options.structuredOutput ??
    (options.metadata?.supportsJsonSchema ? 'json_schema' : 'json_mode');
  const metadata = known && { ...known, supportsJsonSchema: structuredOutput === 'json_schema' };

  async function generate(request: ChatRequest, generateOptions: GenerateOptions) {
    const format = toOpenAIResponseFormat(
      request.responseFormat,
      request.messages,
      structuredOutput,
    );
    const model =
      typeof source === 'function'
        ? source({ temperature: request.temperature, maxOutputTokens: request.maxOutputTokens })
        : source;
    return generateWithLangChain({
      model,
      messages: toLangChainMessages(format.messages, 'langchain'),
      tools: toOpenAITools(request.tools ?? []),
      ...(toolLimit ? { toolLimit } : {}),
      // ChatOpenAI (and every model built on LangChain's AsyncCaller that reads the call
      // option) retries 6 times by default, with its own backoff, inside one of the policy's
      // attempts: an outage would surface minutes later as a timeout, past the breaker.
      callOptions: {
        maxRetries: 0,
        ...(format.responseFormat ? { response_format: format.responseFormat } : {}),
      },
      streaming: options.streaming ?? generateOptions.onToken !== undefined,
      timeoutMs,
      endpoint,
      generate: generateOptions,
    });
  }

  const secrets = [...new Set([...(options.secrets ?? []), ...keysOf(probe)])];
  return { modelName, endpoint, metadata, secrets, generate };
}

/**
 * `langchain:<class name>[:<base URL>]:<model name>`. The base URL is the client's (as
 * `ChatOpenAI` keeps it), without credentials, query or fragment: an endpoint's name is
 * shown in errors, events and the run log.
 */
function defaultEndpoint(model: BaseChatModel, modelName: string): string {
  const config = (model as { clientConfig?: { baseURL?: unknown } }).clientConfig;
  const baseURL = typeof config?.baseURL === 'string' ? shownURL(config.baseURL) : undefined;
  return `langchain:${model.getName()}:${baseURL ? `${baseURL}:` : ''}${modelName}`;
}

/** The URL's origin and path only; undefined when it does not parse. */
function shownURL(value: string): string | undefined {
  try {
    const url = new URL(value);
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}
