import { describe, expect, it } from 'vitest';
import { ModelCallError, type ModelErrorKind } from '../model/model-call-error';
import type { ChatModel, ChatRequest, ChatResponse, GenerateOptions } from '../model/types';
import { faultKinds } from './model-adapter/failure-cases';
import type { ProviderReply } from './model-adapter/provider-reply';
import { modelAdapterConformance } from './model-adapter-conformance';

/** What an in-memory adapter gets wrong, one mistake at a time. */
interface Mistakes {
  /** Passes on Anthropic-style usage: the uncached input alone as inputTokens. */
  uncachedInput?: boolean;
  /** Throws plain errors rather than ModelCallError. */
  plainErrors?: boolean;
  /** Keeps a stalled request open past its signal's abort. */
  ignoresSignal?: boolean;
  /** Leaves the provider's stop reason for a cut-off answer unmapped. */
  unmappedLength?: boolean;
  /** Parses the arguments of the history's tool calls blindly, for a provider that takes objects. */
  parsesHistoryArguments?: boolean;
}

/**
 * A provider and its adapter in one, without HTTP: `serve` queues the reply the adapter's
 * next call answers with; `open` counts requests held open, as a test server's would.
 */
function inMemoryProvider(mistakes: Mistakes = {}) {
  let next: ProviderReply | undefined;
  let open = 0;
  const endpoint = 'memory:provider';
  const fail = (kind: ModelErrorKind, extra: { status?: number; retryAfterMs?: number } = {}) =>
    mistakes.plainErrors
      ? new Error(`provider failed: ${kind}`)
      : new ModelCallError({ kind, endpoint, message: `provider failed: ${kind}`, ...extra });

  async function generate(request: ChatRequest, { signal, onToken }: GenerateOptions) {
    if (mistakes.parsesHistoryArguments) {
      for (const message of request.messages) {
        if (message.role === 'assistant')
          for (const call of message.toolCalls ?? []) JSON.parse(call.arguments);
      }
    }
    const reply = next;
    if (!reply) throw new Error('no reply served');
    switch (reply.kind) {
      case 'answer': {
        for (const chunk of onToken ? reply.chunks : []) onToken?.(chunk);
        const { cachedInputTokens = 0 } = reply.usage;
        const usage = mistakes.uncachedInput
          ? { ...reply.usage, inputTokens: reply.usage.inputTokens - cachedInputTokens }
          : reply.usage;
        const finishReason =
          mistakes.unmappedLength && reply.finishReason === 'length'
            ? 'max_tokens'
            : reply.finishReason;
        return {
          content: reply.content,
          toolCalls: reply.toolCalls.map(({ id, name, arguments: args }) => ({
            id,
            name,
            arguments: JSON.stringify(args),
          })),
          usage,
          finishReason,
          ...(reply.refusal === undefined ? {} : { refusal: reply.refusal }),
        } as ChatResponse;
      }
      case 'error':
        throw fail(faultKinds[reply.fault], {
          status: 400,
          ...(reply.retryAfterSeconds === undefined
            ? {}
            : { retryAfterMs: reply.retryAfterSeconds * 1_000 }),
        });
      case 'reset':
      case 'cut_stream':
        throw fail('connection');
      case 'malformed':
        throw fail('malformed_response');
      case 'stall':
        open += 1;
        return new Promise<never>((_, reject) => {
          signal.addEventListener('abort', () => {
            if (!mistakes.ignoresSignal) open -= 1;
            reject(signal.reason);
          });
        });
    }
  }
  const model: ChatModel = { modelName: 'memory-model', endpoint, generate };
  return {
    create: () => model,
    serve: (reply: ProviderReply) => {
      next = reply;
    },
    openRequests: () => open,
    waitMs: 200,
  };
}

/** The names of the cases that fail against `provider`. */
async function failing(provider: ReturnType<typeof inMemoryProvider>) {
  const failed: Array<{ name: string; message: string }> = [];
  for (const { name, run } of modelAdapterConformance(provider)) {
    await run().catch((error: Error) => failed.push({ name, message: error.message }));
  }
  return failed;
}

describe('modelAdapterConformance', () => {
  it('passes an adapter that does what the adapter guide says', async () => {
    expect(await failing(inMemoryProvider())).toEqual([]);
  });

  it('fails an adapter that passes on usage with the cached input left out of inputTokens', async () => {
    expect(await failing(inMemoryProvider({ uncachedInput: true }))).toEqual([
      {
        name: 'answer: usage with cached input counts the cached tokens within inputTokens',
        message: expect.stringContaining('usage: inputTokens counts every input token'),
      },
    ]);
  });

  it('fails every error case of an adapter that throws plain errors, saying what to throw', async () => {
    const failed = await failing(inMemoryProvider({ plainErrors: true }));
    expect(failed.map(({ name }) => name)).toEqual([
      'error: rate_limited with a retry hint carries it as retryAfterMs',
      ...Object.keys(faultKinds).map((fault) => expect.stringContaining(`error: ${fault} is a`)),
      'wire: a connection reset before the answer is kind connection',
      'wire: a 200 whose body does not parse is kind malformed_response',
      'wire: a stream cut before its end is kind connection, not a shorter answer',
    ]);
    expect(failed[0]?.message).toContain(
      "not a ModelCallError: the policy takes it for kind unknown and never retries it. Throw new ModelCallError({ kind: 'rate_limited'",
    );
  });

  it('fails an adapter whose request stays open after its signal aborts', async () => {
    expect(await failing(inMemoryProvider({ ignoresSignal: true }))).toEqual([
      {
        name: 'abort: an aborted signal ends the call and closes its request',
        message: expect.stringContaining('hand the signal to your HTTP client'),
      },
    ]);
  });

  it('fails an adapter that leaves a stop reason unmapped, in the policy words', async () => {
    expect(await failing(inMemoryProvider({ unmappedLength: true }))).toEqual([
      {
        name: 'answer: cut off at the output limit is finish reason length',
        message: expect.stringContaining(`its finishReason is the string "max_tokens"`),
      },
    ]);
  });

  it('fails an adapter that parses the arguments of the history blindly, as it would a tool call sent back as invalid', async () => {
    expect(await failing(inMemoryProvider({ parsesHistoryArguments: true }))).toEqual([
      {
        name: 'request: a tool call whose arguments were not JSON is sent back to the model',
        message: expect.stringContaining('JSON'),
      },
    ]);
  });

  it('refuses a misspelt option or feature, which would run or skip the wrong cases', () => {
    expect(() =>
      modelAdapterConformance({ ...inMemoryProvider(), withot: ['streaming'] } as never),
    ).toThrow(/withot/);
    expect(() =>
      modelAdapterConformance({ ...inMemoryProvider(), without: ['stream'] as never }),
    ).toThrow('without lists the string "stream", which is none of streaming');
  });

  it('leaves out the cases of what the provider does not have', () => {
    const names = modelAdapterConformance({
      ...inMemoryProvider(),
      without: ['streaming', 'content_filter'],
    }).map(({ name }) => name);
    expect(names.filter((name) => /stream|content_filter/.test(name))).toEqual([]);
  });
});
