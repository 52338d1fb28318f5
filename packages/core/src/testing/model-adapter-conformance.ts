import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue, optionNamesOf } from '../errors/option-names';
import { checkChatResponse } from '../model/check-chat-response';
import type { ChatModel } from '../model/types';
import type { ConformanceCase } from './conformance/context';
import { answerCases } from './model-adapter/answer-cases';
import { type AdapterCaseContext, bounded } from './model-adapter/context';
import { failureCases } from './model-adapter/failure-cases';
import type { ProviderFeature, ProviderReply } from './model-adapter/provider-reply';
import { conformanceRequest } from './model-adapter/request';

/** Options of {@link modelAdapterConformance}. */
export interface ModelAdapterConformanceOptions<TModel extends ChatModel> {
  /** Your adapter, pointed at your test server. Called once per case. */
  create: () => TModel | Promise<TModel>;
  /**
   * Makes your test server answer the adapter's next request as `reply` says, in your
   * provider's protocol (its bodies, statuses, headers and stream events).
   */
  serve: (reply: ProviderReply) => void | Promise<void>;
  /**
   * How many requests your test server holds open (received, not yet answered nor closed by
   * the client). Given, the abort case checks that an aborted call closes its request;
   * otherwise only that it ends.
   */
  openRequests?: (() => number) | undefined;
  /** Disposes of a model made by `create`. */
  dispose?: ((model: TModel) => void | Promise<void>) | undefined;
  /** What your provider does not have: the cases that need it are left out. */
  without?: readonly ProviderFeature[] | undefined;
  /** The longest a case waits for the adapter or the server. Default 5 000 ms. */
  waitMs?: number | undefined;
}

const optionNames = optionNamesOf<ModelAdapterConformanceOptions<ChatModel>>({
  create: true,
  serve: true,
  openRequests: true,
  dispose: true,
  without: true,
  waitMs: true,
});

const features: readonly ProviderFeature[] = [
  'streaming',
  'refusal',
  'content_filter',
  'prompt_cache',
];

/** A misspelt option or feature would run cases the provider cannot pass, or skip some. */
function checkOptions<TModel extends ChatModel>(
  options: ModelAdapterConformanceOptions<TModel>,
): void {
  checkOptionNames('modelAdapterConformance', options, optionNames);
  for (const name of ['create', 'serve'] as const) {
    if (typeof options[name] !== 'function') {
      throw new DefinitionError(
        'definition.invalid_option',
        `modelAdapterConformance: option ${name} must be a function, got ${describeValue(options[name])}.`,
      );
    }
  }
  for (const feature of options.without ?? []) {
    if (!features.includes(feature)) {
      throw new DefinitionError(
        'definition.invalid_option',
        `modelAdapterConformance: without lists ${describeValue(feature)}, which is none of ${features.join(', ')}.`,
      );
    }
  }
}

/**
 * A conformance suite for a {@link ChatModel} adapter of your own: every case serves one
 * reply through your test server — described in provider-neutral terms ({@link ProviderReply}),
 * which your `serve` sends in your provider's protocol — calls the adapter's `generate`, and
 * checks what the harness relies on: text, tool calls with their arguments as JSON text,
 * finish reasons (`length`, `refusal`, `content_filter`), usage with cached input counted
 * within `inputTokens`, streamed deltas through `onToken`, a `ModelCallError` of the kind the
 * reliability policy decides on for each fault (a 429's hint as `retryAfterMs`, an overload
 * as `server_error`, a reset as `connection`, an unparsable body as `malformed_response`), and
 * a call that ends, its request closed, when its signal aborts. Every answer is also checked as
 * the policy checks it (a finish reason left unmapped fails). It returns named async cases that
 * throw on failure (`node:assert`), for any test runner; the OpenAI adapter runs it in
 * `packages/adapters/openai/src/openai/model-adapter-conformance.test.ts`.
 *
 * @throws DefinitionError `definition.invalid_option` for an option it does not know, a
 * `create` or `serve` that is not a function, or a feature in `without` that it does not know.
 *
 * @example
 * ```ts
 * import { modelAdapterConformance } from '@agentchart/core/testing';
 *
 * describe('my adapter', () => {
 *   for (const { name, run } of modelAdapterConformance({
 *     create: () => myChatModel({ baseURL: server.url, apiKey: 'test' }),
 *     serve: (reply) => server.next(toMyProtocol(reply)),
 *     openRequests: () => server.openRequests,
 *   })) {
 *     it(name, run);
 *   }
 * });
 * ```
 */
export function modelAdapterConformance<TModel extends ChatModel>(
  options: ModelAdapterConformanceOptions<TModel>,
): ConformanceCase[] {
  checkOptions(options);
  const { create, serve, openRequests, dispose, without = [], waitMs = 5_000 } = options;
  const context: AdapterCaseContext = {
    has: (feature) => !without.includes(feature),
    openRequests,
    waitMs,
    async withModel(reply, body) {
      const model = await create();
      try {
        await serve(reply);
        await body(async (generateOptions = {}) => {
          const { signal = new AbortController().signal, onToken } = generateOptions;
          const sent = generateOptions.request ?? conformanceRequest;
          const response = await bounded(
            model.generate(sent, { signal, ...(onToken ? { onToken } : {}) }),
            waitMs,
            'generate did not settle',
          );
          // What the policy would refuse fails here, with the policy's own words.
          checkChatResponse(response, model.endpoint);
          return response;
        }, model);
      } finally {
        await dispose?.(model);
      }
    },
  };
  return [...answerCases(context), ...failureCases(context)];
}
