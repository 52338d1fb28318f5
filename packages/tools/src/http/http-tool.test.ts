import { createAgent, MemoryCheckpointer, type RunEvent, toolCall } from '@agentchart/core';
import { runEffect } from '@agentchart/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { defaultMaxResponseBytes, httpTool } from './http-tool';
import { HttpToolError } from './http-tool-error';
import {
  guardLoopbackOnly,
  type LoopbackGuard,
  startTestHttpServer,
  type TestHandler,
  type TestHttpServer,
} from './test-http-server';
import type { HttpToolOptions } from './types';

const context = { signal: new AbortController().signal, idempotencyKey: 'key', threadId: 'thread' };

describe('httpTool', () => {
  const servers: TestHttpServer[] = [];
  let guard: LoopbackGuard;
  beforeEach(() => {
    guard = guardLoopbackOnly();
  });
  afterEach(async () => {
    guard.restore();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  const serve = async (handler?: TestHandler, host?: string) => {
    const server = await startTestHttpServer(handler, { host });
    servers.push(server);
    return server;
  };
  /** A tool allowed to reach `server` (a loopback address, so exempted explicitly). */
  const toolFor = (server: TestHttpServer, options: Partial<HttpToolOptions> = {}) =>
    httpTool({
      allowedHosts: [`api.test:${server.port}`, `${server.host}:${server.port}`],
      allowAddresses: [server.host],
      resolve: async () => [{ address: server.host, family: 4 }],
      ...options,
    });

  it('keeps the credential of its fixed headers out of what the agent stores and emits, when the upstream echoes it (issue 13)', async () => {
    const token = 'tkn-canary-7d1e3f5a9b';
    const server = await serve((request, response) => {
      const echoed = request.headers['x-api-key'] ?? request.headers.authorization;
      response.writeHead(request.url === '/bad' ? 401 : 200, { 'content-type': 'text/plain' });
      response.end(`the key ${echoed} ${request.url === '/bad' ? 'is revoked' : 'works'}`);
    });
    const configured: Record<string, string>[] = [
      { Authorization: `Bearer ${token}` },
      { 'X-Api-Key': token },
    ];
    for (const headers of configured) {
      const tool = toolFor(server, { headers });
      const machine = setup({
        types: { context: {} as { pages: unknown[] } },
        actors: { get: toolCall(tool) },
      }).createMachine({
        context: { pages: [] },
        initial: 'good',
        states: {
          good: {
            invoke: {
              src: 'get',
              input: { url: `http://api.test:${server.port}/good` },
              onDone: {
                target: 'bad',
                actions: assign({
                  pages: ({ context, event }) => [...context.pages, event.output],
                }),
              },
            },
          },
          bad: {
            invoke: {
              src: 'get',
              input: { url: `http://api.test:${server.port}/bad` },
              onDone: {
                target: 'done',
                actions: assign({
                  pages: ({ context, event }) => [...context.pages, event.output],
                }),
              },
            },
          },
          done: { type: 'final' },
        },
        output: ({ context }) => context.pages,
      });
      const agent = createAgent({ machine, checkpointer: new MemoryCheckpointer() });
      const events: RunEvent[] = [];
      agent.events.onAny((event) => events.push(event));
      const outcome = await agent.run({ threadId: 't', input: undefined });
      // The run itself read the echo: the key is redacted in storage, not in the live output.
      expect(JSON.stringify(outcome)).toContain(token);
      const checkpoints = await Promise.all(
        (await agent.history('t')).map(({ version }) => agent.getCheckpoint('t', version)),
      );
      const stored = JSON.stringify([await agent.journal('t'), checkpoints, events]);
      expect(stored).not.toContain(token);
      expect(stored).toContain('the key [REDACTED:credential] is revoked');
      await agent.close();
    }
  });

  it("returns a page longer than the default cap cut and marked truncated through a chart's toolCall, not tool.output_too_large (issue 10)", async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      // Quotes and line breaks are written escaped in the journal's JSON: the worst ordinary text.
      response.end('"\n'.repeat(defaultMaxResponseBytes));
    });
    const { output, error } = await runEffect(toolCall(toolFor(server)), {
      url: `http://api.test:${server.port}/`,
    });
    expect(error).toBeUndefined();
    expect(output).toMatchObject({
      status: 200,
      truncated: true,
      bodyBytes: defaultMaxResponseBytes,
    });
  });

  /** Headers that never come (`/stall`), or a body dripping a byte at a time (`/drip`). */
  const serveSlowly = () =>
    serve((request, response) => {
      if (request.url === '/stall') return;
      response.writeHead(200, { 'content-type': 'text/plain' });
      const drip = setInterval(() => response.write('x'), 20);
      response.on('close', () => clearInterval(drip));
    });

  it('keeps its own deadline when called outside an agent: a server dripping a byte at a time fails it with tool.timeout (issue 13)', async () => {
    const server = await serveSlowly();
    const call = toolFor(server, { timeoutMs: 300 }).execute(
      { url: `http://api.test:${server.port}/drip` },
      context,
    );
    await expect(call).rejects.toMatchObject({
      name: 'RunError',
      code: 'tool.timeout',
      details: { tool: 'http_request', timeoutMs: 300 },
    });
  });

  it('times out as tool.timeout in a chart whichever deadline fires first: headers that never came gave tool.failed (http.timeout), a dripping body tool.timeout', async () => {
    const server = await serveSlowly();
    for (const path of ['/stall', '/drip']) {
      const { error } = await runEffect(toolCall(toolFor(server, { timeoutMs: 300 })), {
        url: `http://api.test:${server.port}${path}`,
      });
      expect(error).toMatchObject({
        code: 'tool.timeout',
        details: { tool: 'http_request', timeoutMs: 300 },
      });
    }
    // An unsafe call that timed out may have acted: ambiguous, never a failure to retry.
    const post = toolFor(server, { timeoutMs: 300, methods: ['POST'] });
    for (const path of ['/stall', '/drip']) {
      const { error } = await runEffect(toolCall(post), {
        url: `http://api.test:${server.port}${path}`,
        body: 'order',
      });
      expect(error).toMatchObject({ code: 'effect.ambiguous' });
    }
  });

  it('fails at once when a server switches protocols (101): the call never settled, past its own deadline', async () => {
    // Node hands a 101 to an `upgrade` listener only, and without one drops the socket
    // silently: no response, no error, and the tool's deadline found nothing left to abort.
    const server = await serve((_request, response) => {
      response.socket?.end(
        'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n',
      );
    });
    for (const methods of [['GET'], ['POST']] as const) {
      const started = Date.now();
      const call = toolFor(server, { timeoutMs: 2_000, methods }).execute(
        { url: `http://api.test:${server.port}/socket` },
        context,
      );
      const settled = await Promise.race([
        call.then(
          () => 'answered',
          (error: unknown) => error,
        ),
        new Promise((resolve) => setTimeout(() => resolve('still running after 3 s'), 3_000)),
      ]);
      expect(settled).toBeInstanceOf(HttpToolError);
      expect(settled).toMatchObject({ code: 'http.request_failed' });
      expect((settled as Error).message).toContain('101');
      expect(Date.now() - started).toBeLessThan(1_000);
    }
  });

  it('gets a page from an allowed host, sending the name as Host and the configured headers', async () => {
    const server = await serve((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'a=b' });
      response.end(JSON.stringify({ path: request.url }));
    });
    const tool = toolFor(server, { headers: { Authorization: 'Bearer secret' } });
    expect(tool.effect).toBe('pure');
    const result = await tool.execute(
      { url: `http://api.test:${server.port}/items?id=1`, headers: { accept: 'application/json' } },
      context,
    );
    expect(result).toEqual({
      url: `http://api.test:${server.port}/items?id=1`,
      status: 200,
      statusText: 'OK',
      headers: { 'content-type': 'application/json' },
      body: '{"path":"/items?id=1"}',
      bodyBytes: 22,
      truncated: false,
      binary: false,
      redirects: [],
    });
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      headers: {
        host: `api.test:${server.port}`,
        authorization: 'Bearer secret',
        accept: 'application/json',
        'accept-encoding': 'identity',
      },
    });
  });

  it('reaches an IPv6 loopback server when it is allowed explicitly', async () => {
    const server = await serve(undefined, '::1');
    const tool = httpTool({ allowedHosts: [`[::1]:${server.port}`], allowAddresses: ['::1'] });
    const result = await tool.execute({ url: `${server.origin}/` }, context);
    expect(result.body).toBe('ok');
  });

  it('cuts a body over maxResponseBytes and says so', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('x'.repeat(100_000));
    });
    const result = await toolFor(server, { maxResponseBytes: 1000 }).execute(
      { url: `${server.origin}/big` },
      context,
    );
    expect(result).toMatchObject({ bodyBytes: 1000, truncated: true, body: 'x'.repeat(1000) });
  });

  it('decodes a body by the charset its Content-Type declares: iso-8859-1 and utf-16le came back as UTF-8 mojibake', async () => {
    const bodies: Record<string, [string, Buffer]> = {
      '/latin1': ['text/plain; charset=iso-8859-1', Buffer.from('café naïve', 'latin1')],
      '/utf16': ['text/plain; charset="UTF-16LE"', Buffer.from('hello wörld', 'utf16le')],
      '/sjis': ['text/plain;charset=shift_jis', Buffer.from([0x93, 0xfa, 0x96, 0x7b])],
      '/plain': ['application/json', Buffer.from('{"name":"café"}', 'utf8')],
      '/unknown': ['text/plain; charset=x-klingon', Buffer.from('plain ascii', 'utf8')],
    };
    const server = await serve((request, response) => {
      const [contentType, body] = bodies[request.url]!;
      response.writeHead(200, { 'content-type': contentType });
      response.end(body);
    });
    const tool = toolFor(server);
    const get = (path: string) => tool.execute({ url: `${server.origin}${path}` }, context);
    expect(await get('/latin1')).toMatchObject({ body: 'café naïve', bodyBytes: 10 });
    expect(await get('/utf16')).toMatchObject({ body: 'hello wörld', bodyBytes: 22 });
    expect((await get('/sjis')).body).toBe('日本');
    const plain = await get('/plain');
    expect(plain.body).toBe('{"name":"café"}');
    expect(plain).not.toHaveProperty('charsetNote');
    expect(await get('/unknown')).toMatchObject({
      body: 'plain ascii',
      charsetNote: expect.stringContaining('declared charset "x-klingon"'),
    });
  });

  it('cuts a body at maxResponseBytes before a character the cut would split, in any charset', async () => {
    const server = await serve((request, response) => {
      const utf16 = request.url === '/utf16';
      response.writeHead(200, {
        'content-type': `text/plain; charset=${utf16 ? 'utf-16le' : 'utf-8'}`,
      });
      response.end(Buffer.from('é'.repeat(600), utf16 ? 'utf16le' : 'utf8'));
    });
    const tool = toolFor(server, { maxResponseBytes: 1001 });
    for (const path of ['/utf8', '/utf16']) {
      const result = await tool.execute({ url: `${server.origin}${path}` }, context);
      expect(result).toMatchObject({ bodyBytes: 1001, truncated: true, body: 'é'.repeat(500) });
    }
  });

  it('does not return binary bodies as text', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    });
    const result = await toolFor(server).execute({ url: `${server.origin}/logo.png` }, context);
    expect(result).toMatchObject({ body: '', binary: true, bodyBytes: 4 });
  });

  it('follows redirects on the allowed host and reports them', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/old') {
        response.writeHead(301, { location: '/new' });
        response.end();
      } else {
        response.end(`at ${request.url}`);
      }
    });
    const result = await toolFor(server).execute({ url: `${server.origin}/old` }, context);
    expect(result).toMatchObject({
      url: `${server.origin}/new`,
      body: 'at /new',
      redirects: [`${server.origin}/new`],
    });
  });

  it('drops configured headers once a redirect leaves their origin', async () => {
    const other = await serve();
    const first = await serve((_request, response) => {
      response.writeHead(302, { location: `${other.origin}/landing` });
      response.end();
    });
    const tool = httpTool({
      allowedHosts: [`127.0.0.1:${first.port}`, `127.0.0.1:${other.port}`],
      allowAddresses: ['127.0.0.1'],
      headers: { authorization: 'Bearer secret' },
    });
    await tool.execute({ url: `${first.origin}/` }, context);
    expect(first.requests[0]!.headers.authorization).toBe('Bearer secret');
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('stops after maxRedirects', async () => {
    const server = await serve((request, response) => {
      const n = Number(request.url!.slice(1));
      response.writeHead(302, { location: `/${n + 1}` });
      response.end();
    });
    const error = await toolFor(server, { maxRedirects: 3 })
      .execute({ url: `${server.origin}/0` }, context)
      .catch((thrown: unknown) => thrown);
    expect(HttpToolError.isInstance(error) && error.code).toBe('http.too_many_redirects');
    expect(server.requests.map((request) => request.url)).toEqual(['/0', '/1', '/2', '/3']);
  });

  it('is unsafe when a method beyond GET and HEAD is allowed, and sends the body', async () => {
    const server = await serve((request, response) => response.end(request.body.toUpperCase()));
    const tool = toolFor(server, { methods: ['POST'] });
    expect(tool.effect).toBe('unsafe');
    expect(tool.input.safeParse({ url: server.origin, method: 'GET' }).success).toBe(false);
    const result = await tool.execute(
      { url: `${server.origin}/echo`, body: 'hello', headers: { 'content-type': 'text/plain' } },
      context,
    );
    expect(result.body).toBe('HELLO');
    expect(server.requests[0]).toMatchObject({ method: 'POST', body: 'hello' });
  });

  it('turns a POST answered by 303 into a GET without a body', async () => {
    const server = await serve((request, response) => {
      if (request.method === 'POST') {
        response.writeHead(303, { location: '/result' });
        response.end();
      } else {
        response.end(`${request.method} ${request.url} [${request.body}]`);
      }
    });
    const result = await toolFor(server, { methods: ['POST'] }).execute(
      { url: `${server.origin}/submit`, body: 'data' },
      context,
    );
    expect(result.body).toBe('GET /result []');
  });

  it('refuses bodies on GET and over maxRequestBytes before connecting', async () => {
    const server = await serve();
    const tool = toolFor(server, { methods: ['GET', 'POST'], maxRequestBytes: 4 });
    await expect(
      tool.execute({ url: server.origin, method: 'GET', body: 'x' }, context),
    ).rejects.toMatchObject({ code: 'http.body_not_allowed' });
    await expect(
      tool.execute({ url: server.origin, method: 'POST', body: 'éé€' }, context),
    ).rejects.toMatchObject({ code: 'http.body_too_large' });
    expect(server.requests).toEqual([]);
  });

  it('refuses headers the model may not set and header values that could split a request', () => {
    const tool = httpTool({ allowedHosts: ['api.example.com'] });
    const parse = (headers: unknown) =>
      tool.input.safeParse({ url: 'https://api.example.com/', headers }).success;
    expect(parse({ accept: 'text/html' })).toBe(true);
    expect(parse({ host: 'metadata.google.internal' })).toBe(false);
    expect(parse({ authorization: 'Bearer stolen' })).toBe(false);
    expect(parse({ accept: 'a\r\nx-injected: 1' })).toBe(false);
    expect(tool.input.safeParse({ url: 'https://api.example.com/', body: 'x' }).success).toBe(
      false,
    );
  });

  it('aborts a response that does not come when the call is aborted', async () => {
    const server = await serve(() => undefined);
    const controller = new AbortController();
    const call = toolFor(server).execute(
      { url: `${server.origin}/slow` },
      { ...context, signal: controller.signal },
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new Error('timed out'));
    await expect(call).rejects.toThrow('timed out');
  });

  it('refuses options that would leave it unbounded or unclear when it is defined', () => {
    expect(() => httpTool({ allowedHosts: [] })).toThrow('allowedHosts is empty');
    expect(() => httpTool({ allowedHosts: ['a.com'], methods: [] })).toThrow('is empty');
    expect(() => httpTool({ allowedHosts: ['a.com'], methods: ['TRACE' as 'GET'] })).toThrow(
      'has unknown methods TRACE',
    );
    expect(() => httpTool({ allowedHosts: ['a.com'], maxResponseBytes: 0 })).toThrow(
      'maxResponseBytes is 0',
    );
    expect(() => httpTool({ allowedHosts: ['a.com'], allowedRequestHeaders: ['host'] })).toThrow(
      'which the model may not set',
    );
    expect(() => httpTool({ allowedHosts: ['a.com'], headers: { a: 'x\r\ny: z' } })).toThrow(
      'cannot be sent as a fixed header',
    );
  });
});
