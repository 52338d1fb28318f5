import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAITestServer } from './openai-test-server';
import { replies } from './replies';

const server = createOpenAITestServer({ apiKey: 'sk-test' });
let baseURL: string;

beforeAll(async () => {
  baseURL = await server.start();
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  server.setHandler(undefined);
});

function post(body: unknown, { path = '/chat/completions', key = 'sk-test' } = {}) {
  return fetch(`${baseURL}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

// Response bodies are OpenAI's JSON, read field by field.
const json = (response: Response): Promise<any> => response.json();

const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Hello' }],
  ...extra,
});

function sseData(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length))
    .map((data) => (data === '[DONE]' ? data : JSON.parse(data)));
}

describe('createOpenAITestServer', () => {
  it('listens on 127.0.0.1 and gives a /v1 base URL', () => {
    expect(baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('serves a scripted message as an OpenAI chat.completion and records the request', async () => {
    server.enqueue(
      replies.text('Hi there', {
        usage: { inputTokens: 12, outputTokens: 3, cachedInputTokens: 8 },
      }),
    );
    const before = Date.now();
    const response = await post(chat());
    const body = await response.json();

    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req_test_1');
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hi there', refusal: null },
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 3,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 8 },
      },
    });
    expect(server.requests).toHaveLength(1);
    const [recorded] = server.requests;
    expect(recorded?.body?.messages).toEqual([{ role: 'user', content: 'Hello' }]);
    expect(recorded?.headers.authorization).toBe('Bearer sk-test');
    expect(recorded?.receivedAt).toBeGreaterThanOrEqual(before);
  });

  it('streams SSE chunks ending in [DONE], with a usage chunk only when asked', async () => {
    server.enqueue(replies.text('one two three'), replies.text('one two three'));
    const withUsage = sseData(
      await (await post(chat({ stream: true, stream_options: { include_usage: true } }))).text(),
    );
    const without = sseData(await (await post(chat({ stream: true }))).text());

    const deltas = (events: unknown[]) =>
      events
        .flatMap(
          (event) => (event as { choices?: Array<{ delta: { content?: string } }> }).choices ?? [],
        )
        .map((choice) => choice.delta.content ?? '')
        .join('');
    expect(deltas(withUsage)).toBe('one two three');
    expect(withUsage.at(-1)).toBe('[DONE]');
    expect(withUsage.at(-2)).toMatchObject({
      choices: [],
      usage: { total_tokens: expect.any(Number) },
    });
    expect(
      without.some((event) => typeof event === 'object' && event !== null && 'usage' in event),
    ).toBe(false);
  });

  it('streams tool calls as a named first delta followed by argument pieces', async () => {
    server.enqueue(replies.toolCalls([{ name: 'lookup', arguments: { query: 'tender 42' } }]));
    const events = sseData(await (await post(chat({ stream: true }))).text()) as Array<{
      choices: Array<{
        delta: { tool_calls?: Array<{ function: { name?: string; arguments: string } }> };
        finish_reason: string | null;
      }>;
    }>;
    const calls = events.slice(0, -1).flatMap((event) => event.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]?.function.name).toBe('lookup');
    expect(calls.map((call) => call.function.arguments).join('')).toBe('{"query":"tender 42"}');
    expect(events.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('answers from the handler once the queue is empty, so replies can depend on the messages', async () => {
    server.setHandler((request) =>
      replies.text(`echo: ${String(request.body?.messages.at(-1)?.content)}`),
    );
    const body = await json(await post(chat()));
    expect(body.choices[0].message.content).toBe('echo: Hello');
  });

  it('answers an unscripted request with a 500 that says the script ran out', async () => {
    const response = await post(chat());
    expect(response.status).toBe(500);
    expect((await json(response)).error.message).toMatch(/no scripted reply left/);
  });

  it("rejects a wrong key with OpenAI's 401 body and unknown routes with its 404 body", async () => {
    const unauthorized = await post(chat(), { key: 'sk-wrong' });
    expect(unauthorized.status).toBe(401);
    expect((await json(unauthorized)).error).toMatchObject({
      code: 'invalid_api_key',
      type: 'invalid_request_error',
    });
    const missing = await post(chat(), { path: '/embeddings' });
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.message).toBe('Invalid URL (POST /v1/embeddings)');
  });

  it('sends each Retry-After form as the header a real server uses', async () => {
    const date = new Date(Date.UTC(2030, 0, 1));
    server.enqueue(
      replies.rateLimited({ retryAfterMs: 250 }),
      replies.rateLimited({ retryAfterSeconds: 3 }),
      replies.rateLimited({ retryAfterDate: date }),
    );
    const headers = [];
    for (let index = 0; index < 3; index++) headers.push((await post(chat())).headers);
    expect(headers[0]?.get('retry-after-ms')).toBe('250');
    expect(headers[1]?.get('retry-after')).toBe('3');
    expect(headers[2]?.get('retry-after')).toBe('Tue, 01 Jan 2030 00:00:00 GMT');
  });

  it('waits delayMs before answering', async () => {
    server.enqueue({ ...replies.text('late'), delayMs: 120 });
    const started = performance.now();
    await (await post(chat())).json();
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('cuts a response mid-body so the client cannot read it whole', async () => {
    server.enqueue(replies.cutMidway());
    const response = await post(chat());
    await expect(response.text()).rejects.toThrow();
  });

  it('sends a body that is not JSON for a malformed reply', async () => {
    server.enqueue(replies.malformed());
    const response = await post(chat());
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('closes with a stalled request open, which the client sees fail', async () => {
    const stalling = createOpenAITestServer({ replies: [replies.stall()] });
    const url = await stalling.start();
    const pending = fetch(`${url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(chat()),
    });
    // Close only once the request has arrived, so it is the stall being ended, not a refusal.
    for (let tries = 0; stalling.requests.length === 0 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await stalling.close();
    await expect(pending).rejects.toThrow();
  });
});
