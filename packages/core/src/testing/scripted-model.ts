import { type Clock, sleep, systemClock } from '../clock/clock';
import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue, optionNamesOf } from '../errors/option-names';
import { ModelCallError } from '../model/model-call-error';
import type {
  ChatModel,
  ChatRequest,
  ChatResponse,
  FinishReason,
  GenerateOptions,
  ModelMetadata,
  Usage,
} from '../model/types';

/** A tool call a scripted response makes; `arguments` may be an object or raw (even broken) JSON text. */
export interface ScriptedToolCall {
  name: string;
  arguments: unknown;
  id?: string | undefined;
}

/** One scripted answer. A string is a plain text answer. */
export type ScriptedResponse =
  | string
  | {
      content?: string | undefined;
      /** Serialised as the answer's content: the value a structured call should receive. */
      json?: unknown | undefined;
      toolCalls?: ScriptedToolCall[] | undefined;
      finishReason?: FinishReason | undefined;
      refusal?: string | undefined;
      usage?: { [Count in keyof Usage]?: Usage[Count] | undefined } | undefined;
      /** Thrown instead of answering (e.g. a ModelCallError to exercise the policy). */
      error?: unknown | undefined;
      /** Latency of this answer, overriding the model's. */
      latencyMs?: number | undefined;
    };

/** A function of the request that answers it; `index` counts calls from 0. */
export type ScriptedHandler = (request: ChatRequest, index: number) => ScriptedResponse;

/** Options of {@link scriptedModel}. */
export interface ScriptedModelOptions {
  /** Answers in order; a function entry answers from the request. Ignored when `handler` is set. */
  responses?: (ScriptedResponse | ScriptedHandler)[] | undefined;
  /** Answers every call from the request. */
  handler?: ScriptedHandler | undefined;
  modelName?: string | undefined;
  /** Simulated latency per call. Default 0 (no timer at all). */
  latencyMs?: number | undefined;
  /**
   * Default: a 128 000-token window priced like a small hosted model; `undefined` is the
   * default too, as with every option. `null` leaves the model without metadata, as a model
   * whose window and price are unknown (a local model, a name its adapter does not know).
   */
  metadata?: ModelMetadata | null | undefined;
  /** Clock for simulated latency. */
  clock?: Clock | undefined;
}

const optionNames = optionNamesOf<ScriptedModelOptions>({
  responses: true,
  handler: true,
  modelName: true,
  latencyMs: true,
  metadata: true,
  clock: true,
});
const responseNames = optionNamesOf<Exclude<ScriptedResponse, string>>({
  content: true,
  json: true,
  toolCalls: true,
  finishReason: true,
  refusal: true,
  usage: true,
  error: true,
  latencyMs: true,
});

/**
 * Refuses a misspelt field of a scripted answer: `{ text: 'hi' }` would answer with empty
 * content, and the test would fail far from its cause.
 */
function checkResponse(modelName: string, response: ScriptedResponse, index: number): void {
  if (typeof response !== 'string' && (typeof response !== 'object' || response === null)) {
    // A handler that forgot its `return` would otherwise fail deep inside the call with a
    // TypeError about reading `latencyMs` of undefined.
    const shown =
      response === undefined || response === null ? String(response) : describeValue(response);
    throw new DefinitionError(
      'definition.invalid_option',
      `scriptedModel "${modelName}": answer ${index + 1} is ${shown}. A handler or a responses entry returns a string or an object such as { json: … }, { content: '…' }, { toolCalls: […] } or { error }; did the handler miss a return?`,
    );
  }
  if (typeof response === 'object' && response !== null) {
    checkOptionNames(`scriptedModel "${modelName}", answer ${index + 1}`, response, responseNames);
  }
}

/** A scripted model with the requests it received, for assertions. */
export interface ScriptedModel extends ChatModel {
  readonly requests: ChatRequest[];
}

/**
 * A deterministic {@link ChatModel} for tests, demos and benchmarks: scripted answers (fixed
 * or computed from the request), simulated latency and usage (about 4 characters a token
 * unless given). It runs no network and no randomness.
 *
 * @example
 * ```ts
 * const model = scriptedModel({ responses: [{ json: { relevant: true, confidence: 0.9 } }] });
 * ```
 *
 * @throws DefinitionError `definition.invalid_option` for a misspelt option or field of an
 * answer, or an answer that is neither a string nor an object (a handler's answer is checked
 * when it is given, so the call fails with it). A call past the last of `responses` fails
 * with a `ModelCallError` of kind `unknown` (not retried) that shows the call's last message.
 */
export function scriptedModel(options: ScriptedModelOptions = {}): ScriptedModel {
  checkOptionNames('scriptedModel', options, optionNames);
  if (options.responses !== undefined && !Array.isArray(options.responses)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `scriptedModel: responses is ${describeValue(options.responses)}. Give a list of answers, such as [{ content: 'Hello' }], answered in order.`,
    );
  }
  if (options.handler !== undefined && typeof options.handler !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `scriptedModel: handler is ${describeValue(options.handler)}. Give a function of the request and its index that returns the answer.`,
    );
  }
  const {
    responses = [],
    handler,
    modelName = 'scripted',
    latencyMs = 0,
    clock = systemClock,
  } = options;
  const metadata: ModelMetadata | null =
    options.metadata === undefined
      ? { contextWindow: 128_000, pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 } }
      : options.metadata;
  responses.forEach((response, index) => {
    if (typeof response !== 'function') checkResponse(modelName, response, index);
  });
  const requests: ChatRequest[] = [];
  return {
    modelName,
    endpoint: `scripted:${modelName}`,
    ...(metadata === null ? {} : { metadata }),
    requests,
    async generate(
      request: ChatRequest,
      { signal, onToken }: GenerateOptions,
    ): Promise<ChatResponse> {
      const index = requests.length;
      requests.push(request);
      const entry = handler ?? responses[index];
      if (entry === undefined) {
        // A ModelCallError of its own, so the pipeline passes this message on as it is
        // rather than as an adapter's unclassified error; `unknown` is fatal: not retried.
        throw new ModelCallError({
          kind: 'unknown',
          endpoint: `scripted:${modelName}`,
          message: `scriptedModel "${modelName}" received call ${index + 1} but has only ${responses.length} scripted ${responses.length === 1 ? 'response' : 'responses'} (the call's last message: ${lastMessageOf(request)}). Add responses or use a handler.`,
        });
      }
      const scripted = typeof entry === 'function' ? entry(request, index) : entry;
      checkResponse(modelName, scripted, index);
      const answer = typeof scripted === 'string' ? { content: scripted } : scripted;
      const delay = answer.latencyMs ?? latencyMs;
      if (delay > 0) await sleep(clock, delay, signal);
      else if (signal.aborted) throw signal.reason;
      if (answer.error !== undefined) throw answer.error;
      const content =
        answer.json === undefined ? (answer.content ?? '') : JSON.stringify(answer.json);
      const toolCalls = (answer.toolCalls ?? []).map((call, callIndex) => ({
        id: call.id ?? `call_${index}_${callIndex}`,
        name: call.name,
        arguments:
          typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
      }));
      if (onToken && content) onToken(content);
      return {
        content,
        toolCalls,
        finishReason: answer.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
        ...(answer.refusal === undefined ? {} : { refusal: answer.refusal }),
        usage: {
          inputTokens: answer.usage?.inputTokens ?? estimateTokens(request),
          outputTokens:
            answer.usage?.outputTokens ??
            Math.ceil((content.length + toolCalls.reduce((n, c) => n + c.arguments.length, 0)) / 4),
          // Passed on as given: a test of prompt-cache pricing needs the cached share to arrive.
          ...(answer.usage?.cachedInputTokens === undefined
            ? {}
            : { cachedInputTokens: answer.usage.cachedInputTokens }),
        },
        model: modelName,
      };
    },
  };
}

/** The request's last message, shortened: which call was one too many. */
function lastMessageOf(request: ChatRequest): string {
  const content = request.messages.at(-1)?.content;
  if (content === undefined) return 'none';
  return JSON.stringify(content.length > 200 ? `${content.slice(0, 200)}…` : content);
}

function estimateTokens(request: ChatRequest): number {
  let characters = 0;
  for (const message of request.messages) characters += message.content.length + 4;
  return Math.ceil(characters / 4);
}
