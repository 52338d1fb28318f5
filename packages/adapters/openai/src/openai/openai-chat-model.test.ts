import {
  type ChatModel,
  type ChatRequest,
  DefinitionError,
  ModelCallError,
  type ModelErrorKind,
} from '@agentchart/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOpenAITestServer } from '../testing/openai-test-server';
import { replies } from '../testing/replies';
import type { ScriptedReply } from '../testing/types';
import { type OpenAIChatModelOptions, openAIChatModel } from './openai-chat-model';

const server = createOpenAITestServer({ apiKey: 'sk-test' });
let baseURL: string;

beforeAll(async () => {
  baseURL = await server.start();
});
afterAll(() => server.close());
beforeEach(() => server.reset());
afterEach(() => {
  vi.unstubAllEnvs();
});

const model = (options: Partial<OpenAIChatModelOptions> = {}) =>
  openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL, ...options });

const hello: ChatRequest = { messages: [{ role: 'user', content: 'Hello' }] };

function ask(
  chatModel: ChatModel,
  request: ChatRequest = hello,
  onToken?: (delta: string) => void,
) {
  return chatModel.generate(request, { signal: new AbortController().signal, onToken });
}

async function failure(promise: Promise<unknown>): Promise<ModelCallError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ModelCallError);
  return error as ModelCallError;
}

const strictSchema = {
  type: 'object',
  properties: { score: { type: 'number' }, reason: { type: 'string' } },
  required: ['score', 'reason'],
  additionalProperties: false,
};

describe('openAIChatModel', () => {
  describe('failures', () => {
    const inThirtySeconds = () => new Date(Date.now() + 30_000);
    const cases: Array<{
      name: string;
      reply: () => ScriptedReply;
      kind: ModelErrorKind;
      status?: number;
      retryAfterMs?: number | [number, number];
    }> = [
      {
        name: '429 with retry-after-ms',
        reply: () => replies.rateLimited({ retryAfterMs: 1500 }),
        kind: 'rate_limited',
        status: 429,
        retryAfterMs: 1500,
      },
      {
        name: '429 with Retry-After seconds',
        reply: () => replies.rateLimited({ retryAfterSeconds: 2 }),
        kind: 'rate_limited',
        status: 429,
        retryAfterMs: 2000,
      },
      // HTTP dates have whole seconds, and the clock moves between sending and reading.
      {
        name: '429 with a Retry-After date',
        reply: () => replies.rateLimited({ retryAfterDate: inThirtySeconds() }),
        kind: 'rate_limited',
        status: 429,
        retryAfterMs: [27_000, 30_000],
      },
      {
        name: '429 asking for a day',
        reply: () => replies.rateLimited({ retryAfterSeconds: 86_400 }),
        kind: 'rate_limited',
        status: 429,
        retryAfterMs: 86_400_000,
      },
      {
        name: '429 with an unreadable Retry-After',
        reply: () => replies.rateLimited({ retryAfter: 'soon' }),
        kind: 'rate_limited',
        status: 429,
      },
      {
        name: '429 insufficient_quota',
        reply: () => replies.insufficientQuota(),
        kind: 'quota_exhausted',
        status: 429,
      },
      { name: '500', reply: () => replies.serverError(500), kind: 'server_error', status: 500 },
      {
        name: '502 with an HTML body',
        reply: () => replies.serverError(502),
        kind: 'server_error',
        status: 502,
      },
      {
        name: '503 with Retry-After',
        reply: () => replies.serverError(503, { 'retry-after': '1' }),
        kind: 'server_error',
        status: 503,
        retryAfterMs: 1000,
      },
      {
        name: '400 context_length_exceeded',
        reply: () => replies.contextLengthExceeded(),
        kind: 'context_length',
        status: 400,
      },
      { name: 'other 400', reply: () => replies.badRequest(), kind: 'bad_request', status: 400 },
      {
        name: '401 invalid key',
        reply: () => replies.invalidApiKey(),
        kind: 'authentication',
        status: 401,
      },
      {
        name: '403',
        reply: () =>
          replies.httpError(403, 'Project does not have access to model gpt-4o-mini', {
            code: 'model_not_found',
          }),
        kind: 'permission',
        status: 403,
      },
      {
        name: '404 unknown model',
        reply: () => replies.modelNotFound(),
        kind: 'not_found',
        status: 404,
      },
      {
        name: '408',
        reply: () => replies.httpError(408, 'Request timed out.', { type: 'timeout' }),
        kind: 'timeout',
        status: 408,
      },
      {
        name: '409',
        reply: () => replies.httpError(409, 'Conflict.', { type: 'conflict' }),
        kind: 'conflict',
        status: 409,
      },
      { name: 'a connection reset', reply: () => replies.connectionReset(), kind: 'connection' },
      { name: 'a response cut mid-way', reply: () => replies.cutMidway(), kind: 'connection' },
      { name: 'a malformed body', reply: () => replies.malformed(), kind: 'malformed_response' },
    ];

    for (const streaming of [false, true]) {
      describe(streaming ? 'streaming' : 'not streaming', () => {
        it.each(cases)('maps $name to $kind', async ({ reply, kind, status, retryAfterMs }) => {
          server.enqueue(reply());
          const error = await failure(ask(model({ streaming })));

          expect(error.kind).toBe(kind);
          expect(error.code).toBe(`model.${kind}`);
          expect(error.status).toBe(status);
          expect(error.endpoint).toBe(`openai:${baseURL}:gpt-4o-mini`);
          if (Array.isArray(retryAfterMs)) {
            expect(error.retryAfterMs).toBeGreaterThan(retryAfterMs[0]);
            expect(error.retryAfterMs).toBeLessThanOrEqual(retryAfterMs[1]);
          } else {
            expect(error.retryAfterMs).toBe(retryAfterMs);
          }
          // maxRetries: 0 really is off: neither the SDK nor LangChain's caller tried again.
          expect(server.requests).toHaveLength(1);
        });
      });
    }

    it('makes exactly one request for a 503, however retryable', async () => {
      server.enqueue(replies.serverError(503), replies.text('should never be fetched'));
      const error = await failure(ask(model()));
      expect(error.retryable).toBe(true);
      expect(server.requests).toHaveLength(1);
    });

    it('says what happened, for which endpoint, and what to do', async () => {
      server.enqueue(replies.contextLengthExceeded());
      const error = await failure(ask(model()));
      expect(error.message).toContain(`openai:${baseURL}:gpt-4o-mini`);
      expect(error.message).toContain('maximum context length is 128000 tokens');
      expect(error.message).toMatch(/shorten the input/);
    });

    it('points a context-length error at the window the budget planned against, which may be wrong for a local server', async () => {
      server.enqueue(replies.contextLengthExceeded());
      const error = await failure(ask(model()));
      expect(error.message).toContain('metadata: { contextWindow }');
      expect(error.message).toContain('8 192');
    });

    it('sums up an HTML error page in one line (issue 16)', async () => {
      for (const streaming of [false, true]) {
        server.enqueue(replies.serverError(502));
        const error = await failure(ask(model({ streaming })));
        expect(error.message).not.toMatch(/[<>\r\n]/);
        expect(error.message).toContain('(502): 502 Bad Gateway (an HTML page');
        expect(error.message.length).toBeLessThan(400);
      }
    });

    it('times out a request whose headers never come', async () => {
      server.enqueue(replies.stall());
      const error = await failure(ask(model({ timeoutMs: 150 })));
      expect(error.kind).toBe('timeout');
      expect(error.message).toMatch(/within 150 ms/);
    });

    it('times out a stream that stalls after its first deltas', async () => {
      server.enqueue(replies.stallMidway(replies.text('partial answer that never ends'), 3));
      const deltas: string[] = [];
      const error = await failure(
        ask(model({ timeoutMs: 150 }), hello, (delta) => deltas.push(delta)),
      );
      expect(error.kind).toBe('timeout');
      expect(deltas).toEqual(['partial ', 'answer ']);
    });

    it('reports aborted when the caller stops the call', async () => {
      server.enqueue(replies.stall());
      const controller = new AbortController();
      const pending = model({ timeoutMs: 5_000 }).generate(hello, { signal: controller.signal });
      setTimeout(() => controller.abort(), 30);
      const error = await failure(pending);
      expect(error.kind).toBe('aborted');
      expect(error.retryable).toBe(false);
    });

    it('sends nothing when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const error = await failure(model().generate(hello, { signal: controller.signal }));
      expect(error.kind).toBe('aborted');
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('answers', () => {
    it('maps content, usage with cached tokens, finish reason and model name', async () => {
      server.enqueue(
        replies.text('Hi!', {
          model: 'gpt-4o-mini-2024-07-18',
          usage: { inputTokens: 20, outputTokens: 2, cachedInputTokens: 16 },
        }),
      );
      const response = await ask(model());
      expect(response).toEqual({
        content: 'Hi!',
        toolCalls: [],
        usage: { inputTokens: 20, outputTokens: 2, cachedInputTokens: 16 },
        finishReason: 'stop',
        model: 'gpt-4o-mini-2024-07-18',
      });
    });

    it('sends the messages, temperature and output limit in OpenAI form', async () => {
      server.enqueue(replies.text('ok'));
      await ask(model(), {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello' },
        ],
        temperature: 0.2,
        maxOutputTokens: 64,
      });
      const body = server.requests[0]?.body;
      expect(body?.messages).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ]);
      expect(body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 64 });
      expect(body?.stream).toBe(false);
    });

    it('streams deltas in order to onToken and reports the usage chunk', async () => {
      server.enqueue(
        replies.text('Once upon a time', {
          chunks: ['Once', ' upon', ' a', ' time'],
          usage: { inputTokens: 9, outputTokens: 4, cachedInputTokens: 5 },
        }),
      );
      const deltas: string[] = [];
      const response = await ask(model(), hello, (delta) => deltas.push(delta));

      expect(deltas).toEqual(['Once', ' upon', ' a', ' time']);
      expect(response.content).toBe('Once upon a time');
      expect(response.usage).toEqual({ inputTokens: 9, outputTokens: 4, cachedInputTokens: 5 });
      expect(response.finishReason).toBe('stop');
      expect(response.model).toBe('gpt-4o-mini');
      expect(server.requests[0]?.body).toMatchObject({
        stream: true,
        stream_options: { include_usage: true },
      });
    });

    it('does not stream when told not to, even with onToken', async () => {
      server.enqueue(replies.text('whole'));
      const deltas: string[] = [];
      await ask(model({ streaming: false }), hello, (delta) => deltas.push(delta));
      expect(deltas).toEqual([]);
      expect(server.requests[0]?.body?.stream).toBe(false);
    });

    for (const streaming of [false, true]) {
      const mode = streaming ? 'streamed' : 'whole';

      it(`reports a ${mode} refusal with its text`, async () => {
        server.enqueue(replies.refusal('I cannot help with that request.'));
        const response = await ask(model({ streaming }));
        expect(response).toMatchObject({
          content: '',
          finishReason: 'refusal',
          refusal: 'I cannot help with that request.',
        });
      });

      it(`reports a ${mode} answer cut at the token limit as length`, async () => {
        server.enqueue(replies.truncatedByLength('The answer is'));
        const response = await ask(model({ streaming }));
        expect(response).toMatchObject({ content: 'The answer is', finishReason: 'length' });
      });

      it(`reports a ${mode} content filter stop`, async () => {
        server.enqueue(replies.text('', { finishReason: 'content_filter' }));
        expect((await ask(model({ streaming }))).finishReason).toBe('content_filter');
      });
    }
  });

  describe('tool calls', () => {
    const tools = [
      {
        name: 'get_weather',
        description: 'Current weather in a city',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
    ];

    it('sends tools in function form and returns the calls with raw argument text', async () => {
      server.enqueue(
        replies.toolCalls([
          { id: 'call_paris', name: 'get_weather', arguments: '{"city": "Paris"}' },
          { id: 'call_rome', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ]),
      );
      const response = await ask(model(), { ...hello, tools });

      expect(server.requests[0]?.body?.tools).toEqual([
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather in a city',
            parameters: tools[0]?.parameters,
          },
        },
      ]);
      expect(response.finishReason).toBe('tool_calls');
      expect(response.toolCalls).toEqual([
        { id: 'call_paris', name: 'get_weather', arguments: '{"city": "Paris"}' },
        { id: 'call_rome', name: 'get_weather', arguments: '{"city":"Rome"}' },
      ]);
    });

    it('keeps arguments that are not JSON, or of the wrong shape, as the model wrote them', async () => {
      server.enqueue(
        replies.toolCalls([
          { id: 'call_broken', name: 'get_weather', arguments: '{"city": Par' },
          { id: 'call_shape', name: 'get_weather', arguments: '["Paris"]' },
        ]),
      );
      const response = await ask(model(), { ...hello, tools });
      expect(response.toolCalls.map((call) => call.arguments)).toEqual([
        '{"city": Par',
        '["Paris"]',
      ]);
    });

    it('returns a lone invalid call as written', async () => {
      // LangChain's AIMessage warns on the console when every call of an answer is invalid.
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      server.enqueue(
        replies.toolCalls([{ id: 'call_broken', name: 'get_weather', arguments: 'city=Paris' }]),
      );
      const response = await ask(model(), { ...hello, tools });
      expect(response.toolCalls).toEqual([
        { id: 'call_broken', name: 'get_weather', arguments: 'city=Paris' },
      ]);
      expect(response.finishReason).toBe('tool_calls');
    });

    it('reassembles streamed argument pieces', async () => {
      server.enqueue(
        replies.toolCalls([
          { name: 'get_weather', arguments: { city: 'Reykjavík', units: 'metric' } },
        ]),
      );
      const response = await ask(model({ streaming: true }), { ...hello, tools });
      expect(response.toolCalls).toEqual([
        {
          id: 'call_test_1_0',
          name: 'get_weather',
          arguments: '{"city":"Reykjavík","units":"metric"}',
        },
      ]);
      expect(response.finishReason).toBe('tool_calls');
    });

    it('sends earlier calls back verbatim, invalid ones included, with their results', async () => {
      server.enqueue(replies.text('It is sunny.'));
      await ask(model(), {
        tools,
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ id: 'call_broken', name: 'get_weather', arguments: '{"city": Par' }],
          },
          {
            role: 'tool',
            toolCallId: 'call_broken',
            name: 'get_weather',
            content: 'Invalid arguments: expected JSON',
          },
        ],
      });
      expect(server.requests[0]?.body?.messages.slice(1)).toEqual([
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            {
              id: 'call_broken',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city": Par' },
            },
          ],
        },
        { role: 'tool', content: 'Invalid arguments: expected JSON', tool_call_id: 'call_broken' },
      ]);
    });
  });

  describe('structured output', () => {
    const format = { type: 'json_schema' as const, name: 'verdict', schema: strictSchema };

    it('sends a strict json_schema response format for a schema that allows it', async () => {
      server.enqueue(replies.json({ score: 8, reason: 'solid' }));
      const response = await ask(model(), { ...hello, responseFormat: format });
      expect(server.requests[0]?.body?.response_format).toEqual({
        type: 'json_schema',
        json_schema: { name: 'verdict', schema: strictSchema, strict: true },
      });
      expect(JSON.parse(response.content)).toEqual({ score: 8, reason: 'solid' });
    });

    it('asks for strictness only when the schema allows it or the request says so', async () => {
      const open = {
        type: 'object',
        properties: { score: { type: 'number' } },
        required: ['score'],
      };
      server.enqueue(replies.json({ score: 1 }), replies.json({ score: 1 }));
      await ask(model(), {
        ...hello,
        responseFormat: { type: 'json_schema', name: 'open', schema: open },
      });
      await ask(model(), { ...hello, responseFormat: { ...format, strict: false } });
      const strictness = server.requests.map((request) => {
        const format = request.body?.response_format;
        return format?.type === 'json_schema' ? format.json_schema.strict : 'not json_schema';
      });
      expect(strictness).toEqual([false, false]);
    });

    it('returns JSON that does not parse as text, for the harness to validate and re-ask', async () => {
      server.enqueue(replies.text('{"score": 8, "reason": '));
      const response = await ask(model(), { ...hello, responseFormat: format });
      expect(response).toMatchObject({ content: '{"score": 8, "reason": ', finishReason: 'stop' });
    });

    it('returns a structured answer cut at the token limit as length, with its usage', async () => {
      server.enqueue(
        replies.truncatedByLength('{"score": 8, "rea', {
          usage: { inputTokens: 30, outputTokens: 7 },
        }),
      );
      const response = await ask(model(), { ...hello, responseFormat: format });
      expect(response).toMatchObject({
        content: '{"score": 8, "rea',
        finishReason: 'length',
        usage: { inputTokens: 30, outputTokens: 7 },
      });
    });

    it('returns a structured refusal as refusal', async () => {
      server.enqueue(replies.refusal('I will not score this.'));
      const response = await ask(model(), { ...hello, responseFormat: format });
      expect(response).toMatchObject({
        finishReason: 'refusal',
        refusal: 'I will not score this.',
      });
    });

    it('keeps tools non-strict beside a json_schema format', async () => {
      server.enqueue(replies.toolCalls([{ name: 'lookup', arguments: '{"q": oops' }]));
      const response = await ask(model(), {
        ...hello,
        responseFormat: format,
        tools: [
          {
            name: 'lookup',
            description: 'Search',
            parameters: { type: 'object', properties: { q: { type: 'string' } } },
          },
        ],
      });
      // Streamed, since the SDK's non-streaming json_schema path insists on strict tools.
      expect(server.requests[0]?.body?.stream).toBe(true);
      expect(server.requests[0]?.body?.tools?.[0]?.function.strict).toBeUndefined();
      expect(server.requests[0]?.body?.response_format).toMatchObject({ type: 'json_schema' });
      expect(response.toolCalls[0]?.arguments).toBe('{"q": oops');
    });

    it('uses JSON mode with the schema in the system prompt when json_schema is not supported', async () => {
      server.enqueue(replies.json({ score: 3, reason: 'meh' }));
      const chatModel = model({ model: 'local-llama', structuredOutput: 'json_mode' });
      await ask(chatModel, {
        messages: [
          { role: 'system', content: 'You grade tenders.' },
          { role: 'user', content: 'Grade it.' },
        ],
        responseFormat: format,
      });
      const body = server.requests[0]?.body;
      expect(body?.response_format).toEqual({ type: 'json_object' });
      expect(body?.messages).toHaveLength(2);
      expect(body?.messages[0]?.content).toContain('You grade tenders.');
      expect(body?.messages[0]?.content).toContain(JSON.stringify(strictSchema));
    });

    it('adds the word JSON that OpenAI requires for json_object when no message has it', async () => {
      server.enqueue(replies.json({}));
      await ask(model(), { ...hello, responseFormat: { type: 'json_object' } });
      const body = server.requests[0]?.body;
      expect(body?.response_format).toEqual({ type: 'json_object' });
      expect(body?.messages[0]).toEqual({
        role: 'system',
        content: 'Reply with one JSON object, and nothing else.',
      });
    });
  });

  describe('definition', () => {
    it('names the endpoint after base URL and model', () => {
      expect(model({ baseURL: `${baseURL}/` }).endpoint).toBe(`openai:${baseURL}:gpt-4o-mini`);
    });

    it('takes key and base URL from OPENAI_API_KEY and OPENAI_BASE_URL', async () => {
      vi.stubEnv('OPENAI_API_KEY', 'sk-test');
      vi.stubEnv('OPENAI_BASE_URL', baseURL);
      server.enqueue(replies.text('from env'));
      const chatModel = openAIChatModel({ model: 'gpt-4o-mini' });
      expect((await ask(chatModel)).content).toBe('from env');
      expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-test');
      expect(chatModel.endpoint).toBe(`openai:${baseURL}:gpt-4o-mini`);
    });

    it('takes an option given as undefined as one left out: the environment and defaults apply', async () => {
      // As `exactOptionalPropertyTypes` code writes it: `{ baseURL: process.env.X }`.
      vi.stubEnv('OPENAI_API_KEY', 'sk-test');
      vi.stubEnv('OPENAI_BASE_URL', baseURL);
      server.enqueue(replies.text('from env'));
      const chatModel = openAIChatModel({
        model: 'gpt-4o',
        apiKey: undefined,
        baseURL: undefined,
        timeoutMs: undefined,
        metadata: { contextWindow: undefined, maxOutputTokens: undefined },
        structuredOutput: undefined,
        streaming: undefined,
        maxTools: undefined,
      });
      expect(chatModel.endpoint).toBe(`openai:${baseURL}:gpt-4o`);
      expect(chatModel.metadata).toEqual(openAIChatModel({ model: 'gpt-4o' }).metadata);
      expect((await ask(chatModel)).content).toBe('from env');
      expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-test');
    });

    it('reports the key it holds, from the option or the environment, for the agent to redact', () => {
      vi.stubEnv('OPENAI_API_KEY', 'sk-from-the-environment-0123456789');
      expect(openAIChatModel({ model: 'gpt-4o-mini', baseURL }).secrets).toEqual([
        'sk-from-the-environment-0123456789',
      ]);
      expect(
        openAIChatModel({ model: 'gpt-4o-mini', baseURL, apiKey: 'sk-given-9876543210' }).secrets,
      ).toEqual(['sk-given-9876543210']);
    });

    it('throws a DefinitionError naming OPENAI_API_KEY and the option when there is no key', () => {
      vi.stubEnv('OPENAI_API_KEY', '');
      const attempt = () => openAIChatModel({ model: 'gpt-4o-mini', baseURL });
      expect(attempt).toThrow(DefinitionError);
      expect(attempt).toThrow(/OPENAI_API_KEY/);
      expect(attempt).toThrow(/apiKey/);
      try {
        attempt();
      } catch (error) {
        expect((error as DefinitionError).code).toBe('definition.invalid_option');
      }
    });

    it('sends a key given with a space or a line break around it without them, as one from the environment', async () => {
      // Before: `apiKey: process.env.OPENAI_API_KEY` holding "sk-test\n" (a key read from a
      // file, a .env line with a trailing space) was sent as it was: every call failed 401.
      server.enqueue(replies.text('ok'));
      const chatModel = model({ apiKey: ' sk-test\n' });
      expect((await ask(chatModel)).content).toBe('ok');
      expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-test');
      expect(chatModel.secrets).toEqual(['sk-test']);
      expect(() => model({ apiKey: ' ' })).toThrow(/no API key/);
    });

    it('refuses a misspelt option instead of sending the prompts to the default endpoint', () => {
      // `baseUrl` was ignored: the calls went to api.openai.com, with the key from the environment.
      vi.stubEnv('OPENAI_API_KEY', 'sk-from-the-environment-0123456789');
      expect(() =>
        openAIChatModel({ model: 'llama3', baseUrl: 'http://127.0.0.1:11434/v1' } as never),
      ).toThrow(/openAIChatModel: baseUrl is not an option; did you mean baseURL\?/);
    });

    it('rejects an empty model name and a timeout that is not positive', () => {
      expect(() => model({ model: '' })).toThrow(/option model/);
      expect(() => model({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    });

    it('rejects a timeout no timer can wait, a streaming flag that is not a boolean, and an unknown structured output mode', () => {
      // Each was taken: 2^31 ms fires a timer at once, so every call would have timed out;
      // 'strict' went to the provider as a mode it does not know.
      const refused: [Partial<OpenAIChatModelOptions>, RegExp][] = [
        [
          { timeoutMs: 2 ** 31 },
          /timeoutMs must be a positive number of milliseconds up to 2147483647/,
        ],
        [{ timeoutMs: Number.POSITIVE_INFINITY }, /timeoutMs must be/],
        // Before: "got 1000", which read as a number; and a key that is not text was taken.
        [{ timeoutMs: '1000' as never }, /timeoutMs must be .*, got the string "1000"\./],
        [
          { apiKey: 5 as never },
          /apiKey must be text \(the key itself\), got a value of type number/,
        ],
        [{ streaming: 'yes' as never }, /streaming must be true or false, got yes/],
        [
          { structuredOutput: 'strict' as never },
          /structuredOutput must be 'json_schema' .* or 'json_mode'/,
        ],
        // Kept beside the known window, which stayed in force.
        [
          { metadata: { contextWindw: 8_000 } as never },
          /metadata\.contextWindw is not an option; did you mean metadata\.contextWindow\?/,
        ],
      ];
      for (const [options, message] of refused) {
        expect(() => model(options)).toThrow(DefinitionError);
        expect(() => model(options)).toThrow(message);
      }
      expect(() =>
        model({ timeoutMs: 2 ** 31 - 1, streaming: false, structuredOutput: 'json_mode' }),
      ).not.toThrow();
    });

    it('knows the metadata of common OpenAI models and takes overrides', () => {
      expect(model().metadata).toMatchObject({
        contextWindow: 128_000,
        pricing: { inputPerMillion: 0.15 },
      });
      expect(
        model({ metadata: { pricing: { inputPerMillion: 0.1, outputPerMillion: 0.4 } } }).metadata,
      ).toMatchObject({
        contextWindow: 128_000,
        pricing: { inputPerMillion: 0.1, outputPerMillion: 0.4 },
      });
    });

    it('works for an unknown model, with metadata only when given', async () => {
      expect(model({ model: 'qwen2.5:7b' }).metadata).toBeUndefined();
      expect(model({ model: 'qwen2.5:7b', metadata: { contextWindow: 32_768 } }).metadata).toEqual({
        contextWindow: 32_768,
        supportsJsonSchema: true,
      });
      server.enqueue(replies.text('hello from qwen'));
      expect((await ask(model({ model: 'qwen2.5:7b' }))).content).toBe('hello from qwen');
    });

    it('switches to JSON mode by default for a model whose metadata says no json_schema', () => {
      const chatModel = model({ model: 'gpt-4o-2024-05-13' });
      expect(chatModel.metadata?.supportsJsonSchema).toBe(false);
    });
  });

  it.skipIf(!process.env.OPENAI_API_KEY)(
    'answers through the real endpoint of OPENAI_API_KEY and OPENAI_BASE_URL',
    async () => {
      const live = openAIChatModel({
        model: process.env.OPENAI_MODEL ?? 'gpt-4o-mini',
        timeoutMs: 30_000,
      });
      const deltas: string[] = [];
      const response = await ask(
        live,
        {
          messages: [{ role: 'user', content: 'Reply with the single word: pong' }],
          maxOutputTokens: 16,
        },
        (delta) => deltas.push(delta),
      );
      expect(response.content.toLowerCase()).toContain('pong');
      expect(deltas.join('')).toBe(response.content);
      expect(response.usage.inputTokens).toBeGreaterThan(0);
    },
  );
});
