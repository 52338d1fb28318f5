import {
  type ChatModel,
  type ChatRequest,
  DefinitionError,
  type GenerateOptions,
  type ModelMetadata,
} from '@agentchart/core';
import { checkOptionNames, describeValue } from '@agentchart/core/internal';
import { ChatOpenAI } from '@langchain/openai';
import { unusableCompletionError } from '../errors/unusable-completion-error';
import { checkMaxTools, openAIMaxTools } from '../generate/check-tool-count';
import { generateWithLangChain } from '../generate/generate-with-langchain';
import { toLangChainMessages } from '../messages/to-langchain-messages';
import {
  type StructuredOutputMode,
  toOpenAIResponseFormat,
} from '../messages/to-openai-response-format';
import { toOpenAITools } from '../messages/to-openai-tools';
import { resolveModelMetadata } from '../metadata/model-metadata';
import { createCompletionCapture } from './completion-capture';
import { endpointURL, queryCredentials, resolveBaseURL } from './resolve-base-url';

/** Options of {@link openAIChatModel}. */
export interface OpenAIChatModelOptions {
  /** The model's name as the endpoint knows it, e.g. `gpt-4o-mini` or `llama3.1:8b`. */
  model: string;
  /**
   * Defaults to the `OPENAI_API_KEY` environment variable. Either way spaces and line breaks
   * around it are dropped, and the model reports it as one of its `secrets`: the agent
   * redacts it from everything it stores, emits or logs.
   */
  apiKey?: string | undefined;
  /**
   * Any OpenAI-compatible endpoint (LM Studio, Ollama, vLLM, Groq). Defaults to the
   * `OPENAI_BASE_URL` environment variable, then `https://api.openai.com/v1`. It must be an
   * `http:` or `https:` URL without credentials: `https://user:key@host/v1` is refused when
   * the model is defined (the error masks them), so a key never reaches the endpoint's name,
   * errors, events, the journal or the console. Pass the key as `apiKey`. A gateway that
   * takes its key in the query (`?api_key=…`) works: the endpoint's name leaves the query
   * out, and values of parameters named like credentials are redacted as the API key is.
   */
  baseURL?: string | undefined;
  /** Limit for one attempt, from request to last streamed byte. No limit by default. */
  timeoutMs?: number | undefined;
  /** Context window, limits and prices; on top of the built-in entry for known OpenAI models. */
  metadata?: { [Field in keyof ModelMetadata]?: ModelMetadata[Field] | undefined } | undefined;
  /**
   * How structured output is asked for: native `json_schema` (default) or `json_mode` for
   * servers without it (default when `metadata.supportsJsonSchema` is false).
   */
  structuredOutput?: StructuredOutputMode | undefined;
  /**
   * Stream answers: `true` always, `false` never; by default when the caller passes
   * `onToken`. A request with both tools and a json_schema format is always streamed.
   */
  streaming?: boolean | undefined;
  /**
   * The most tools one request may offer. Default 128, OpenAI's limit: a request with more
   * fails with a `ModelCallError` of kind `too_many_tools` before it is sent, instead of a 400
   * from the provider. Set it for a compatible server with another limit (`Infinity`: none).
   */
  maxTools?: number | undefined;
}

const defaultBaseURL = 'https://api.openai.com/v1';

function environment(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

/** The longest delay a platform timer takes. */
const maxTimeoutMs = 2_147_483_647;

function invalidOption(message: string): DefinitionError {
  return new DefinitionError('definition.invalid_option', `openAIChatModel: ${message}`);
}

/**
 * A {@link ChatModel} for OpenAI or any OpenAI-compatible endpoint, through ChatOpenAI from
 * `@langchain/openai`. The client never retries (`maxRetries: 0`): retries belong to the
 * agent's reliability policy alone, so every failure comes back at once as a typed
 * `ModelCallError` (kind, status, retry hint).
 *
 * The base URL is checked here, once: a URL that is not http(s) or that carries credentials
 * (`https://user:key@host/v1`) is refused with a `DefinitionError` that masks them, never
 * stripped silently, so a key in a URL cannot leak into endpoint names, errors or events.
 *
 * @throws DefinitionError `definition.invalid_option` for an empty model name, a base URL that
 * is not an http(s) URL or has credentials, no API key, a timeout that is not positive, or a
 * `maxTools` that is not a whole number of at least 1 (or `Infinity`).
 *
 * @example
 * ```ts
 * const model = openAIChatModel({ model: 'gpt-4o-mini' }); // key from OPENAI_API_KEY
 * const local = openAIChatModel({
 *   model: 'llama3.1:8b',
 *   baseURL: 'http://localhost:11434/v1',
 *   apiKey: 'ollama',
 *   structuredOutput: 'json_mode',
 *   metadata: { contextWindow: 131_072 },
 * });
 * ```
 */
export function openAIChatModel(options: OpenAIChatModelOptions): ChatModel {
  // A misspelt option would be ignored: `baseUrl` would send the prompts to api.openai.com.
  checkOptionNames('openAIChatModel', options, [
    'model',
    'apiKey',
    'baseURL',
    'timeoutMs',
    'metadata',
    'structuredOutput',
    'streaming',
    'maxTools',
  ]);
  const { model, timeoutMs, streaming, maxTools = openAIMaxTools } = options;
  if (typeof model !== 'string' || model.trim() === '') {
    throw invalidOption("option model must name the model, e.g. 'gpt-4o-mini'.");
  }
  const fromEnvironment =
    options.baseURL === undefined ? environment('OPENAI_BASE_URL') : undefined;
  const baseURL = resolveBaseURL({
    value: options.baseURL ?? fromEnvironment ?? defaultBaseURL,
    source: fromEnvironment === undefined ? 'option baseURL' : 'OPENAI_BASE_URL',
    owner: 'openAIChatModel',
  });
  if (options.apiKey !== undefined && typeof options.apiKey !== 'string') {
    // Not shown: a key given by mistake as another type is still a secret.
    throw invalidOption(
      `option apiKey must be text (the key itself), got a value of type ${typeof options.apiKey}. Pass the key as a string, or leave it out to use OPENAI_API_KEY.`,
    );
  }
  // Trimmed as the environment's is: `apiKey: process.env.OPENAI_API_KEY` with a space from a
  // .env file, or a key read from a file with its line break, was sent as it was, and every
  // call failed 401 "Incorrect API key" where leaving the option out worked.
  const apiKey =
    options.apiKey === undefined ? environment('OPENAI_API_KEY') : options.apiKey.trim();
  if (!apiKey) {
    throw invalidOption(
      `no API key for model "${model}" at ${endpointURL(baseURL)}. Pass option apiKey or set OPENAI_API_KEY; a local server that needs no key (Ollama, LM Studio) accepts any placeholder, e.g. apiKey: 'local'.`,
    );
  }
  // Past 2^31 - 1 ms a platform timer fires after 1 ms: every call would time out at once.
  if (
    timeoutMs !== undefined &&
    !(typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= maxTimeoutMs)
  ) {
    throw invalidOption(
      `option timeoutMs must be a positive number of milliseconds up to ${maxTimeoutMs} (about 24.8 days), got ${describeValue(timeoutMs)}.`,
    );
  }
  if (streaming !== undefined && typeof streaming !== 'boolean') {
    throw invalidOption(`option streaming must be true or false, got ${String(streaming)}.`);
  }
  const modes: readonly unknown[] = ['json_schema', 'json_mode'];
  if (options.structuredOutput !== undefined && !modes.includes(options.structuredOutput)) {
    throw invalidOption(
      `option structuredOutput must be 'json_schema' (the endpoint follows a JSON schema) or 'json_mode' (it only promises JSON), got ${JSON.stringify(options.structuredOutput) ?? String(options.structuredOutput)}.`,
    );
  }
  checkMaxTools('openAIChatModel', maxTools);
  const toolLimit = { maxTools, owner: 'openAIChatModel' };
  if (options.metadata !== undefined) {
    // A misspelt `contextWindw` was kept beside the known window, which stayed in force.
    checkOptionNames(
      'openAIChatModel',
      options.metadata,
      ['contextWindow', 'maxOutputTokens', 'pricing', 'supportsJsonSchema'],
      'metadata.',
    );
    if (options.metadata.pricing !== undefined) {
      checkOptionNames(
        'openAIChatModel',
        options.metadata.pricing,
        ['inputPerMillion', 'outputPerMillion', 'cachedInputPerMillion'],
        'metadata.pricing.',
      );
    }
  }
  const known = resolveModelMetadata(model, options.metadata);
  const structuredOutput =
    options.structuredOutput ?? (known?.supportsJsonSchema === false ? 'json_mode' : 'json_schema');
  const metadata = known && { ...known, supportsJsonSchema: structuredOutput === 'json_schema' };
  const endpoint = `openai:${endpointURL(baseURL)}:${model}`;

  async function generate(request: ChatRequest, generateOptions: GenerateOptions) {
    const format = toOpenAIResponseFormat(
      request.responseFormat,
      request.messages,
      structuredOutput,
    );
    const tools = toOpenAITools(request.tools ?? []);
    const jsonSchema = format.responseFormat?.type === 'json_schema';
    // Without streaming, ChatOpenAI sends a json_schema request through the SDK's parse(),
    // which demands strict tools: OpenAI rejects strict tools whose schemas leave properties
    // optional, and the SDK throws on invalid arguments. Streamed, the answer is the same.
    const stream =
      (streaming ?? generateOptions.onToken !== undefined) || (jsonSchema && tools.length > 0);
    // A whole answer is kept: a json_schema one goes through the SDK's parse(), which may need
    // recovering, and any may be a 200 the client cannot read (no choices, an error object).
    const capture = stream ? undefined : createCompletionCapture();
    // A new client per call: temperature and output limit are client fields in ChatOpenAI,
    // and the capture belongs to this call alone. Connections are pooled by fetch regardless.
    const client = new ChatOpenAI({
      model,
      apiKey,
      maxRetries: 0,
      temperature: request.temperature,
      maxTokens: request.maxOutputTokens,
      // Gives the raw response on the message: ChatOpenAI drops `message.refusal` otherwise.
      __includeRawResponse: true,
      // The harness reports every failure as a typed error; the SDK's console logging would
      // only repeat it.
      configuration: { baseURL, logLevel: 'off', ...(capture ? { fetch: capture.fetch } : {}) },
    });
    return generateWithLangChain({
      model: client,
      messages: toLangChainMessages(format.messages, 'openai'),
      tools,
      toolLimit,
      callOptions: format.responseFormat ? { response_format: format.responseFormat } : {},
      streaming: stream,
      requireFinishReason: true,
      timeoutMs,
      endpoint,
      generate: generateOptions,
      recover: capture && jsonSchema ? () => capture.recover() : undefined,
      explain:
        capture &&
        (async () => {
          const received = await capture.received();
          return received && unusableCompletionError(received, endpoint);
        }),
    });
  }

  // The key is the agent's to redact: it never reaches a checkpoint, the journal, an event
  // or a log, even when a tool or the model repeats it.
  return {
    modelName: model,
    endpoint,
    metadata,
    secrets: [apiKey, ...queryCredentials(baseURL)],
    generate,
  };
}
