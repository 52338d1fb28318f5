import { type ChatResponse, type GenerateOptions, ModelCallError } from '@agentchart/core';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import { toModelCallError } from '../errors/to-model-call-error';
import {
  fromLangChainMessage,
  missingToolCallsReason,
  textOf,
} from '../messages/from-langchain-message';
import type { OpenAIFunctionTool } from '../messages/to-openai-tools';
import { startAttemptSignal } from './attempt-signal';
import { checkToolCount, type ToolLimit } from './check-tool-count';

/** One model call through a LangChain chat model. */
export interface GenerateWithLangChainOptions {
  model: BaseChatModel;
  messages: BaseMessage[];
  tools: OpenAIFunctionTool[];
  /** The most tools the endpoint takes in one request; no limit when left out. */
  toolLimit?: ToolLimit;
  /** Provider call options beside the signal, e.g. `response_format`. */
  callOptions: Record<string, unknown>;
  streaming: boolean;
  timeoutMs: number | undefined;
  endpoint: string;
  generate: GenerateOptions;
  /**
   * A streamed answer must end with a finish reason, as every OpenAI-compatible stream does:
   * one that ends without it was cut off on the way. Off for other providers, whose LangChain
   * models do not all put one on their chunks.
   */
  requireFinishReason?: boolean;
  /**
   * Turns a failure into an answer when the client threw on a response it received whole
   * but would not hand over (the OpenAI SDK's structured-output parsing).
   */
  recover?: (error: unknown) => Promise<BaseMessage | undefined>;
  /**
   * Explains a failure on a successful response the client could not read (no `choices`, an
   * error object sent with status 200, an HTML page), or `undefined` when it was readable.
   */
  explain?: () => Promise<ModelCallError | undefined>;
}

type Runnable = Pick<BaseChatModel, 'invoke' | 'stream'>;

function withTools(model: BaseChatModel, tools: OpenAIFunctionTool[], endpoint: string): Runnable {
  if (tools.length === 0) return model;
  if (typeof model.bindTools !== 'function') {
    throw new ModelCallError({
      kind: 'bad_request',
      endpoint,
      message: `The request offers ${tools.length} tool(s), but the LangChain model behind ${endpoint} (${model.getName()}) has no bindTools. Use a model with tool calling, or a state without tools.`,
    });
  }
  return model.bindTools(tools) as unknown as Runnable;
}

/** Reads OpenAI's `delta.refusal` from a chunk's raw response, then drops the raw response. */
function takeRefusalDelta(chunk: AIMessageChunk): string {
  const raw = chunk.additional_kwargs.__raw_response as
    | { choices?: Array<{ delta?: { refusal?: unknown } }> }
    | undefined;
  // Merging raw responses chunk by chunk would concatenate their ids and timestamps.
  delete chunk.additional_kwargs.__raw_response;
  const refusal = raw?.choices?.[0]?.delta?.refusal;
  return typeof refusal === 'string' ? refusal : '';
}

/** A whole answer: the message, and refusal text a stream delivered in deltas. */
interface Answer {
  message: BaseMessage;
  refusal?: string;
}

/**
 * How long a stream may stay open after the model's finish reason before the answer is taken
 * as it is. OpenAI sends the usage chunk and `[DONE]` right after the finish reason, and
 * LangChain hands the usage over only once the response ends: a server or proxy that holds
 * the connection open past that point would otherwise run the attempt into its timeout, and
 * a retry would pay for the same answer twice. A connection cut in that time leaves the
 * answer whole too, and it is taken the same way.
 */
const afterFinishGraceMs = 1_000;

/** What a stream's next read resolves to when the grace after its finish reason ran out. */
const heldOpen = Symbol('held open');

async function streamAnswer(
  runnable: Runnable,
  messages: BaseMessage[],
  config: Record<string, unknown>,
  onToken: ((delta: string) => void) | undefined,
  release: AbortController,
): Promise<Answer> {
  let aggregate: AIMessageChunk | undefined;
  let refusal = '';
  const iterator = (await runnable.stream(messages, config))[Symbol.asyncIterator]();
  let grace: Promise<typeof heldOpen> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  try {
    for (;;) {
      const next = iterator.next();
      let read: IteratorResult<AIMessageChunk> | typeof heldOpen;
      try {
        read = grace ? await Promise.race([next, grace]) : await next;
      } catch (error) {
        // Cut after the finish reason (the usage chunk and `[DONE]` lost): the answer is
        // whole, as when held open, and a retry would pay for it again. An abort of the
        // attempt is still seen by the caller, which checks its signal after this.
        if (grace) break;
        throw error;
      }
      if (read === heldOpen) {
        // The answer is whole; its usage, if any, is still in the held response, which the
        // release below lets go of: the read in flight then ends with an abort nobody waits for.
        next.catch(() => {});
        break;
      }
      if (read.done) {
        ended = true;
        break;
      }
      const chunk = read.value;
      refusal += takeRefusalDelta(chunk);
      const delta = textOf(chunk.content);
      if (delta !== '') onToken?.(delta);
      aggregate = aggregate === undefined ? chunk : aggregate.concat(chunk);
      if (!grace && hasFinishReason(chunk)) {
        grace = new Promise((resolve) => {
          timer = setTimeout(() => resolve(heldOpen), afterFinishGraceMs);
        });
      }
    }
  } finally {
    clearTimeout(timer);
    // Left before the response ended (held open, or a throw while reading it): close it, as
    // `for await` would have by returning the iterator.
    if (!ended) release.abort();
  }
  if (aggregate === undefined) {
    throw new SyntaxError('The stream ended without a single chunk.');
  }
  return { message: aggregate, ...(refusal === '' ? {} : { refusal }) };
}

/** True when the message (or chunk) carries the model's finish reason. */
function hasFinishReason(message: BaseMessage): boolean {
  const reason = (message.response_metadata as Record<string, unknown> | undefined)?.finish_reason;
  return typeof reason === 'string' && reason !== '';
}

/**
 * A retryable `connection` error when a stream ended without a finish reason. The connection
 * ended as if the answer were whole (a proxy or load balancer that gave up on its upstream
 * closes the response it forwards that way, without `[DONE]`), but the model never said it
 * was done: passed on, the partial answer would read as the model's last word.
 */
function checkFinished({ message }: Answer, endpoint: string): void {
  if (hasFinishReason(message)) return;
  const received = textOf(message.content).length;
  throw new ModelCallError({
    kind: 'connection',
    endpoint,
    message: `Model call to ${endpoint} failed (connection): the stream ended without a finish reason, after ${received} character(s) of answer, so it was cut off on the way (a proxy or the server closed the response early). The call can be retried; if it keeps happening, check what sits between you and the endpoint.`,
  });
}

/**
 * The answer as core's {@link ChatResponse}, or a retryable `malformed_response` when it says
 * the model called tools but holds none: passed on, it would read as an empty final answer.
 */
function responseOf({ message, refusal }: Answer, endpoint: string): ChatResponse {
  const reason = missingToolCallsReason(message);
  if (reason !== undefined) {
    throw new ModelCallError({
      kind: 'malformed_response',
      endpoint,
      message: `Model call to ${endpoint} failed (malformed_response): the answer ended with finish reason "${reason}" but held no tool call, so the calls were lost on the way. The endpoint is not fully compatible, or failed; the call can be retried.`,
    });
  }
  return fromLangChainMessage(message, refusal);
}

/**
 * Runs one attempt of a model call through a LangChain chat model and maps the outcome onto
 * core's contract: a {@link ChatResponse}, or a {@link ModelCallError} for every failure.
 */
export async function generateWithLangChain({
  model,
  messages,
  tools,
  toolLimit,
  callOptions,
  streaming,
  timeoutMs,
  endpoint,
  generate,
  requireFinishReason = false,
  recover,
  explain,
}: GenerateWithLangChainOptions): Promise<ChatResponse> {
  if (toolLimit) checkToolCount(tools.length, toolLimit, endpoint);
  if (generate.signal.aborted) {
    throw toModelCallError(generate.signal.reason, { endpoint, aborted: true });
  }
  const attempt = startAttemptSignal(generate.signal, timeoutMs);
  try {
    const runnable = withTools(model, tools, endpoint);
    // A stream's own signal beside the attempt's: it lets go of a response held open after a
    // whole answer (see `afterFinishGraceMs`) without reading as the attempt aborted.
    const release = streaming ? new AbortController() : undefined;
    const signal = release ? AbortSignal.any([attempt.signal, release.signal]) : attempt.signal;
    const config = { ...callOptions, signal };
    const answer = release
      ? await streamAnswer(runnable, messages, config, generate.onToken, release)
      : { message: await runnable.invoke(messages, config) };
    // Some clients end a stream quietly when aborted; a partial answer must not pass as whole.
    attempt.signal.throwIfAborted();
    if (streaming && requireFinishReason) checkFinished(answer, endpoint);
    const response = responseOf(answer, endpoint);
    // ChatOpenAI turns a 200 whose choice has no message into an empty answer: it must not
    // pass as the model's. Only an empty answer is looked at, so others cost nothing.
    const empty = response.content === '' && response.toolCalls.length === 0 && !response.refusal;
    const unusable = empty && explain ? await explain() : undefined;
    if (unusable) throw unusable;
    return response;
  } catch (error) {
    if (ModelCallError.isInstance(error)) throw error;
    const stopped = generate.signal.aborted || attempt.timedOut;
    const recovered = !stopped && recover ? await recover(error).catch(() => undefined) : undefined;
    if (recovered) return fromLangChainMessage(recovered);
    const explained = !stopped && explain ? await explain().catch(() => undefined) : undefined;
    if (explained) throw explained;
    throw toModelCallError(error, {
      endpoint,
      aborted: generate.signal.aborted,
      timedOutAfterMs: attempt.timedOut ? timeoutMs : undefined,
    });
  } finally {
    attempt.dispose();
  }
}
