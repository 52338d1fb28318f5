import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ModelCallError } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { openAIChatModel } from '../openai/openai-chat-model';
import { toModelCallError } from './to-model-call-error';

const endpoint = 'test:endpoint';
const nested = (code: string) =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });

describe('toModelCallError', () => {
  it('reads the status from error.status, error.statusCode or error.response.status', () => {
    expect(
      toModelCallError(Object.assign(new Error('x'), { status: 401 }), { endpoint }).kind,
    ).toBe('authentication');
    expect(
      toModelCallError(Object.assign(new Error('x'), { statusCode: 403 }), { endpoint }).kind,
    ).toBe('permission');
    expect(
      toModelCallError(Object.assign(new Error('x'), { response: { status: 502, headers: {} } }), {
        endpoint,
      }).kind,
    ).toBe('server_error');
  });

  it('finds network codes along the cause chain', () => {
    expect(toModelCallError(nested('ECONNREFUSED'), { endpoint }).kind).toBe('connection');
    expect(toModelCallError(nested('UND_ERR_HEADERS_TIMEOUT'), { endpoint }).kind).toBe('timeout');
  });

  it('recognizes a context-length 400 by its message when there is no code', () => {
    const error = Object.assign(
      new Error('prompt is too long: maximum context length is 8192 tokens'),
      { status: 400 },
    );
    expect(toModelCallError(error, { endpoint }).kind).toBe('context_length');
  });

  it('lets the caller abort and the attempt timeout win over what the client threw', () => {
    const reset = nested('ECONNRESET');
    expect(toModelCallError(reset, { endpoint, aborted: true }).kind).toBe('aborted');
    const timedOut = toModelCallError(reset, { endpoint, timedOutAfterMs: 200 });
    expect(timedOut.kind).toBe('timeout');
    expect(timedOut.message).toMatch(/200 ms/);
  });

  it('keeps the original error as cause and passes a ModelCallError through', () => {
    const original = new Error('boom');
    const mapped = toModelCallError(original, { endpoint });
    expect(mapped).toMatchObject({ kind: 'unknown', cause: original, endpoint });
    expect(toModelCallError(mapped, { endpoint: 'other' })).toBe(mapped);
    expect(mapped).toBeInstanceOf(ModelCallError);
  });
});

describe('toModelCallError, on an error sent inside a stream', () => {
  /** The first chunk of an answer, then the `error` an endpoint sends when it fails mid-way. */
  const stream = (error: object) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }] })}\n\n` +
    `data: ${JSON.stringify({ error })}\n\n`;

  async function failureOf(error: object): Promise<ModelCallError> {
    // The OpenAI test server cannot send an error inside a stream; this one only does that.
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end(stream(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const model = openAIChatModel({
        model: 'gpt-4o-mini',
        apiKey: 'sk-test',
        baseURL: `http://127.0.0.1:${port}/v1`,
        streaming: true,
      });
      const caught = await model
        .generate(
          { messages: [{ role: 'user', content: 'Hello' }] },
          { signal: new AbortController().signal },
        )
        .catch((failure: unknown) => failure);
      expect(ModelCallError.isInstance(caught)).toBe(true);
      return caught as ModelCallError;
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it('types a provider failure mid-stream as a retryable server_error, not unknown', async () => {
    const error = await failureOf({ message: 'The server had an error', type: 'server_error' });
    expect(error.kind).toBe('server_error');
    expect(error.message).toContain('The server had an error');
  });

  it('types a rate limit sent mid-stream as rate_limited', async () => {
    const error = await failureOf({
      message: 'Rate limit reached',
      type: 'requests',
      code: 'rate_limit_exceeded',
    });
    expect(error.kind).toBe('rate_limited');
  });
});

describe('toModelCallError, on an endpoint that nothing answers at', () => {
  /** A loopback port that was free a moment ago: listened on, then closed. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  async function failureAt(baseURL: string): Promise<ModelCallError> {
    const model = openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL });
    const caught = await model
      .generate(
        { messages: [{ role: 'user', content: 'Hello' }] },
        { signal: new AbortController().signal },
      )
      .catch((failure: unknown) => failure);
    expect(ModelCallError.isInstance(caught)).toBe(true);
    return caught as ModelCallError;
  }

  it('names the refused address and says to check the base URL, not only that it can be retried', async () => {
    const port = await closedPort();
    const error = await failureAt(`http://127.0.0.1:${port}/v1`);
    expect(error.kind).toBe('connection');
    expect(error.message).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(error.message).toContain('check the base URL');
  });

  it('says so for https spoken to a plain HTTP server', async () => {
    const server = createServer((_request, response) => response.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const error = await failureAt(`https://127.0.0.1:${port}/v1`);
      expect(error.kind).toBe('connection');
      expect(error.message).toMatch(/wrong version number[^)]*\S\)/i);
      expect(error.message).toContain('check the base URL');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('keeps "can be retried" for a connection dropped by a server that answered', () => {
    const error = toModelCallError(nested('ECONNRESET'), { endpoint });
    expect(error.message).toContain('fetch failed (ECONNRESET)');
    expect(error.message).toContain('can be retried');
    expect(error.message).not.toContain('base URL');
  });
});
