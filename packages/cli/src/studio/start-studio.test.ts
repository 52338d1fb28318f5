import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteCheckpointer } from '@agentchart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { memoryContext } from '../testing';
import { createBidApproval } from './__fixtures__/bid-approval';
import { serveStudio } from './serve-studio';
import { defaultMaxStudioStreams, type Studio } from './start-studio';
import type { InspectedActorSummary, RunPage } from './types';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const { context } = memoryContext({ cwd: repoRoot });

let dir: string;
let database: string;
let studio: Studio;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-studio-server-'));
  database = join(dir, 'runs.db');
  const checkpointer = new SqliteCheckpointer({ path: database, synchronous: 'normal' });
  const agent = createBidApproval(checkpointer);
  for (const tender of ['T-301', 'T-302']) {
    await agent.run({ threadId: `approval:${tender}`, input: { tender } });
  }
  await agent.close();
  checkpointer.close();
  // No module: the studio shows runs but cannot answer them.
  studio = await serveStudio({ database, port: 0, context });
});

afterAll(async () => {
  await studio?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw request, so the Host and Origin headers are the test's to choose. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) {
  const url = new URL(path, studio.url);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const outgoing = request(url, { method, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    },
  );
}

describe('startStudio', () => {
  it('serves the page with a policy that lets it load nothing from elsewhere', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/assets/app.js">');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    const script = await get('/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('answers /favicon.ico with its icon, not a 404 that every browser session logs', async () => {
    const icon = await get('/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/x-icon');
    // An ICO file: reserved 0, type 1 (icon), one image.
    expect(Buffer.from(icon.body, 'latin1').subarray(0, 6)).toEqual(
      Buffer.from([0, 0, 1, 0, 1, 0]),
    );
    expect((await get('/')).body).toContain('<link rel="icon" href="/favicon.ico" />');
  });

  it('serves at most its bound of event streams and inspector connections at once, and more when some close', async () => {
    const open = (): Promise<{ status: number; close(): void }> =>
      new Promise((resolve, reject) => {
        const outgoing = request(new URL('/api/events', studio.url), (response) => {
          resolve({ status: response.statusCode ?? 0, close: () => outgoing.destroy() });
        });
        outgoing.on('error', () => undefined);
        outgoing.setTimeout(5_000, () => reject(new Error('no answer')));
        outgoing.end();
      });
    const streams = await Promise.all(
      Array.from({ length: defaultMaxStudioStreams }, () => open()),
    );
    expect(streams.every((stream) => stream.status === 200)).toBe(true);
    const refused = await open();
    expect(refused.status).toBe(503);
    refused.close();
    streams.pop()?.close();
    await expect
      .poll(async () => {
        const again = await open();
        again.close();
        return again.status;
      })
      .toBe(200);
    for (const stream of streams) stream.close();

    const connect = () =>
      new Promise<WebSocket | number>((resolve) => {
        const socket = new WebSocket(studio.inspectUrl);
        // A refused handshake is answered below; the socket's own error about it is expected.
        socket.on('error', () => undefined);
        socket.once('open', () => resolve(socket));
        socket.once('unexpected-response', (_request, response) => {
          resolve(response.statusCode ?? 0);
          socket.terminate();
        });
      });
    const sockets = await Promise.all(
      Array.from({ length: defaultMaxStudioStreams }, () => connect()),
    );
    expect(sockets.every((socket) => socket instanceof WebSocket)).toBe(true);
    expect(await connect()).toBe(503);
    for (const socket of sockets) (socket as WebSocket).terminate();
    await expect
      .poll(async () => {
        const again = await connect();
        if (again instanceof WebSocket) again.terminate();
        return again instanceof WebSocket;
      })
      .toBe(true);
  });

  it('refuses a request addressed to another host name, as a DNS-rebinding page would send', async () => {
    const port = new URL(studio.url).port;
    const rebound = await get('/api/runs', { host: `attacker.example:${port}` });
    expect(rebound.status).toBe(403);
    const foreignOrigin = await get('/api/runs', { origin: 'http://attacker.example' });
    expect(foreignOrigin.status).toBe(403);
    expect((await get('/api/runs', { host: `localhost:${port}` })).status).toBe(200);
  });

  it('lists runs with their agent, tokens and cost, waiting ones first, filtered by status', async () => {
    const page = JSON.parse((await get('/api/runs')).body) as RunPage;
    expect(page.total).toBe(2);
    expect(page.statusCounts).toEqual({ waiting: 2 });
    expect(page.runs[0]).toMatchObject({
      status: 'waiting',
      // Named in the run's checkpoint, so known without the agent's module.
      agent: 'bidApproval',
      modelCalls: 1,
      waitingFor: expect.stringMatching(/^Send the bid "T-30\d: quay wall, fixed price"\?$/),
    });
    expect(page.runs[0]!.costUsd).toBeGreaterThan(0);
    const done = JSON.parse((await get('/api/runs?status=done')).body) as RunPage;
    expect(done.total).toBe(0);
    const search = JSON.parse((await get('/api/runs?search=302')).body) as RunPage;
    expect(search.runs.map((run) => run.threadId)).toEqual(['approval:T-302']);
  });

  it('says how to answer a wait when it was not given the agent, and changes nothing', async () => {
    const reply = await get(
      `/api/runs/${encodeURIComponent('approval:T-301')}/reply`,
      { 'content-type': 'application/json' },
      'POST',
      JSON.stringify({ value: { approved: true } }),
    );
    expect(reply.status).toBe(409);
    expect(JSON.parse(reply.body).error).toContain('--agent <module>');
    const store = new SqliteCheckpointer({ path: database, readOnly: true });
    expect((await store.latest('approval:T-301'))?.run.status).toBe('waiting');
    store.close();
  });

  it("answers a child agent's wait through the thread at the top of its family", async () => {
    const familyDatabase = join(dir, 'family.db');
    const deskModule = fileURLToPath(
      new URL('../commands/__fixtures__/delegating-agent.ts', import.meta.url),
    );
    const { deskAgent } = await import('../commands/__fixtures__/delegating-agent');
    const checkpointer = new SqliteCheckpointer({ path: familyDatabase, synchronous: 'normal' });
    const agent = deskAgent.create({ checkpointer });
    expect((await agent.run({ threadId: 'p', input: { amount: 900 } })).status).toBe('waiting');
    await agent.close();
    checkpointer.close();
    const family = await serveStudio({
      database: familyDatabase,
      modules: [deskModule],
      port: 0,
      context,
    });
    try {
      const child = 'p/0.desk.delegating#0';
      const reply = await fetch(
        new URL(`/api/runs/${encodeURIComponent(child)}/reply`, family.url),
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ value: { approved: true } }),
        },
      );
      expect(reply.status).toBe(202);
      await expect
        .poll(async () => {
          const run = await fetch(new URL('/api/runs/p', family.url));
          return ((await run.json()) as { summary: { status: string } }).summary.status;
        })
        .toBe('done');
    } finally {
      await family.close();
    }
  });

  it('sends no reply on to a thread that a stored row names as the parent but the id does not', async () => {
    // A security review: a row written into the database gave thread "x" the parent "y"; the
    // approval a person gave on x's page was delivered to y's wait.
    const forgedDatabase = join(dir, 'forged.db');
    const deskModule = fileURLToPath(
      new URL('../commands/__fixtures__/delegating-agent.ts', import.meta.url),
    );
    const { deskAgent } = await import('../commands/__fixtures__/delegating-agent');
    const checkpointer = new SqliteCheckpointer({ path: forgedDatabase, synchronous: 'normal' });
    const agent = deskAgent.create({ checkpointer });
    for (const threadId of ['y', 'x']) {
      expect((await agent.run({ threadId, input: { amount: 900 } })).status).toBe('waiting');
    }
    await agent.close();
    const latest = (await checkpointer.latest('x'))!;
    await checkpointer.save({
      ...latest,
      version: latest.version + 1,
      run: { ...latest.run, parentThreadId: 'y' },
      owner: undefined,
    });
    checkpointer.close();
    const forged = await serveStudio({
      database: forgedDatabase,
      modules: [deskModule],
      port: 0,
      context,
    });
    try {
      const reply = await fetch(new URL('/api/runs/x/reply', forged.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: { approved: true } }),
      });
      expect(reply.status).not.toBe(202);
      const y = await fetch(new URL('/api/runs/y', forged.url));
      expect(((await y.json()) as { summary: { status: string } }).summary.status).toBe('waiting');
    } finally {
      await forged.close();
    }
  });

  it('answers a malformed path or a null reply with 400 and what to send, not a 500', async () => {
    const malformed = await get('/api/runs/%E0%A4%A');
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).error).toContain('percent-encoding');
    const nullReply = await get(
      `/api/runs/${encodeURIComponent('approval:T-301')}/reply`,
      { 'content-type': 'application/json' },
      'POST',
      'null',
    );
    expect(nullReply.status).toBe(400);
    expect(JSON.parse(nullReply.body).error).toContain('{"value": <the reply>}');
  });

  it('takes XState inspector messages on its WebSocket and lists the actors', async () => {
    const socket = new WebSocket(studio.inspectUrl);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const base = { rootId: 'x:1', sessionId: 'x:1', createdAt: Date.now(), _version: '0.7.2' };
    socket.send(
      JSON.stringify({
        ...base,
        id: '1',
        type: '@xstate.actor',
        name: 'light',
        parentId: undefined,
        definition: JSON.stringify({
          id: 'light',
          initial: 'off',
          states: { off: { on: { ON: 'on' } }, on: {} },
        }),
        snapshot: { status: 'active', value: 'off' },
      }),
    );
    socket.send(
      JSON.stringify({
        ...base,
        id: '2',
        type: '@xstate.snapshot',
        event: { type: 'ON' },
        snapshot: { status: 'active', value: 'on', context: {} },
      }),
    );
    socket.send('not json');
    let actors: InspectedActorSummary[] = [];
    await expect
      .poll(async () => {
        actors = JSON.parse((await get('/api/inspector')).body);
        return actors.length;
      })
      .toBe(1);
    expect(actors[0]).toMatchObject({ name: 'light', activeStates: ['', 'on'], events: 2 });
    const detail = JSON.parse(
      (await get(`/api/inspector/${encodeURIComponent(actors[0]!.id)}`)).body,
    );
    expect(detail.chart.states).toEqual(['', 'off', 'on']);
    expect(detail.steps.map((step: { event: { type: string } }) => step.event.type)).toEqual([
      '@xstate.actor',
      'ON',
    ]);
    socket.close();
  });

  it('keeps apart actors with the same session id from two recordings and two connections (issue: 240 actors shown instead of 241)', async () => {
    const actor = (name: string, sessionId: string) => ({
      type: '@xstate.actor',
      sessionId,
      rootId: 'x:0',
      name,
      definition: JSON.stringify({ id: name, initial: 'idle', states: { idle: {} } }),
      snapshot: { status: 'active', value: 'idle' },
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    const fact = (type: string) => ({
      type: '@xstate.event',
      sessionId: 'x:0',
      rootId: 'x:0',
      event: { type },
      createdAt: '2025-01-01T00:00:01.000Z',
    });
    const recordings = ['a.inspect.jsonl', 'b.inspect.jsonl'];
    const lines = [
      [actor('lead', 'x:0'), actor('helper', 'x:1'), fact('agentchart.run.start')],
      [actor('child', 'x:0'), fact('agentchart.run.end')],
    ];
    for (const [index, file] of recordings.entries()) {
      writeFileSync(join(dir, file), lines[index]!.map((line) => JSON.stringify(line)).join('\n'));
    }
    const both = await serveStudio({
      database,
      recordings: recordings.map((file) => join(dir, file)),
      port: 0,
      context,
    });
    try {
      const listed = async () =>
        (await (
          await fetch(new URL('/api/inspector', both.url))
        ).json()) as InspectedActorSummary[];
      const detail = async (id: string) =>
        (await (
          await fetch(new URL(`/api/inspector/${encodeURIComponent(id)}`, both.url))
        ).json()) as { actor: InspectedActorSummary; steps: { event: { type: string } }[] };
      const actors = await listed();
      expect(actors.map((entry) => entry.name).sort()).toEqual(['child', 'helper', 'lead']);
      const lead = actors.find((entry) => entry.name === 'lead')!;
      const child = actors.find((entry) => entry.name === 'child')!;
      expect(lead).toMatchObject({ sessionId: 'x:0', source: join(dir, recordings[0]!) });
      expect(child).toMatchObject({ sessionId: 'x:0', source: join(dir, recordings[1]!) });
      expect((await detail(lead.id)).steps.map((step) => step.event.type)).toEqual([
        '@xstate.actor',
        'agentchart.run.start',
      ]);
      expect((await detail(child.id)).steps.map((step) => step.event.type)).toEqual([
        '@xstate.actor',
        'agentchart.run.end',
      ]);

      // Two processes streaming at once: each connection is a source of its own.
      const sockets = [new WebSocket(both.inspectUrl), new WebSocket(both.inspectUrl)];
      await Promise.all(
        sockets.map(
          (socket) =>
            new Promise((resolve, reject) => {
              socket.once('open', resolve);
              socket.once('error', reject);
            }),
        ),
      );
      sockets[0]!.send(JSON.stringify({ ...actor('live-one', 'x:0'), createdAt: Date.now() }));
      sockets[1]!.send(JSON.stringify({ ...actor('live-two', 'x:0'), createdAt: Date.now() }));
      await expect.poll(async () => (await listed()).length).toBe(5);
      const live = (await listed()).filter((entry) => entry.name.startsWith('live-'));
      expect(live.map((entry) => entry.sessionId)).toEqual(['x:0', 'x:0']);
      expect(new Set(live.map((entry) => entry.source)).size).toBe(2);
      for (const socket of sockets) socket.close();
    } finally {
      await both.close();
    }
  });
});
