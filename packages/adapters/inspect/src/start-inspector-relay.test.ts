import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type InspectorRelay, startInspectorRelay } from './start-inspector-relay';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relayOnLoopback(options: Parameters<typeof startInspectorRelay>[0] = {}) {
  const relay = await startInspectorRelay({ port: 0, ...options });
  cleanups.push(() => relay.close());
  return relay;
}

/** An agent's process: a client with no Origin, sending one message. */
async function sendFromAgent(relay: InspectorRelay, message: string): Promise<WebSocket> {
  const agent = new WebSocket(relay.url);
  cleanups.push(() => agent.terminate());
  await new Promise((resolve) => agent.once('open', resolve));
  agent.send(message);
  return agent;
}

/** What a client with these headers gets: the first message, or the status it was refused with. */
function firstMessage(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const client = new WebSocket(url, { headers });
    cleanups.push(() => client.terminate());
    client.once('message', (data) => resolve(`message ${String(data)}`));
    client.once('unexpected-response', (_request, response) =>
      resolve(`refused ${response.statusCode}`),
    );
    client.once('error', (error) => resolve(`error ${error.message}`));
  });
}

/**
 * A client (a page) that connects now: `opened` once the relay has it, so it gets what is sent
 * from then on; `received` what it gets, up to and including the first message `isLast` picks.
 */
function listen(url: string, isLast: (message: string) => boolean) {
  const client = new WebSocket(url);
  cleanups.push(() => client.terminate());
  const opened = new Promise((resolve) => client.once('open', resolve));
  const messages: string[] = [];
  const received = new Promise<string[]>((resolve, reject) => {
    client.once('error', reject);
    client.on('message', (data) => {
      messages.push(String(data));
      if (isLast(String(data))) resolve(messages);
    });
  });
  return { opened, received };
}

/** Sends `lines` from an agent's process once a page is connected: resolves when it got them. */
async function sendThroughRelay(relay: InspectorRelay, lines: string[]): Promise<string[]> {
  const page = listen(relay.url, (message) => message === lines.at(-1));
  await page.opened;
  const agent = await sendFromAgent(relay, lines[0] as string);
  for (const line of lines.slice(1)) agent.send(line);
  return page.received;
}

describe('startInspectorRelay', () => {
  it('sends a page opened after a burst of runs every live actor registration before its messages (the relay kept a plain rolling buffer, and 40 runs started at once pushed their registrations out)', async () => {
    const relay = await relayOnLoopback({ bufferSize: 100 });
    const lines: string[] = [];
    const line = (type: string, sessionId: string, rest: object = {}) =>
      lines.push(JSON.stringify({ type, sessionId, id: `m${lines.length}`, ...rest }));
    // Ended actors: nothing of them stays once the burst pushes their messages out.
    for (let run = 0; run < 8; run++) {
      line('@xstate.actor', `ended-${run}`, { snapshot: { status: 'active' } });
      line('@xstate.event', `ended-${run}`, { event: { type: 'tick' } });
      line('@xstate.snapshot', `ended-${run}`, { snapshot: { status: 'done' } });
    }
    const live = Array.from({ length: 40 }, (_, run) => `run-${run}`);
    for (const session of live) line('@xstate.actor', session, { snapshot: { status: 'active' } });
    for (let round = 0; round < 5; round++) {
      for (const session of live) line('@xstate.event', session, { event: { type: 'tick' } });
    }
    const last = lines.at(-1) as string;
    expect(lines.length).toBeGreaterThan(100 + 40);

    // A page open during the burst gets all of it: once it has, the relay has read it all.
    expect(await sendThroughRelay(relay, lines)).toEqual(lines);

    const late = await listen(relay.url, (m) => m === last).received;
    const parsed = late.map((m) => JSON.parse(m) as { type: string; sessionId: string });
    const registered = parsed.filter((m) => m.type === '@xstate.actor').map((m) => m.sessionId);
    expect(registered).toEqual(live);
    for (const [index, message] of parsed.entries()) {
      const registration = parsed.findIndex(
        (m) => m.type === '@xstate.actor' && m.sessionId === message.sessionId,
      );
      expect(registration, `${message.sessionId} registered before its message`).toBeGreaterThan(
        -1,
      );
      expect(registration).toBeLessThanOrEqual(index);
    }
    // The last bufferSize messages, and nothing more besides the registrations.
    expect(late.filter((m) => !m.includes('"@xstate.actor"'))).toEqual(
      lines.filter((m) => !m.includes('"@xstate.actor"')).slice(-100),
    );
    // Sent to each page without being used up: another late page gets the same.
    expect(await listen(relay.url, (m) => m === last).received).toEqual(late);
  });

  it('passes on and keeps a line that is no inspector message as a plain one, and goes on relaying', async () => {
    const relay = await relayOnLoopback({ bufferSize: 3 });
    const registration = '{"type":"@xstate.actor","sessionId":"x:0"}';
    const event = '{"type":"@xstate.event","sessionId":"x:0","event":{"type":"tick"}}';
    const lines = ['not json', '[1]', 'null', '{"type":"@xstate.actor"}', registration, event];
    expect(await sendThroughRelay(relay, lines)).toEqual(lines);

    expect(await listen(relay.url, (m) => m === event).received).toEqual([
      'null',
      '{"type":"@xstate.actor"}',
      registration,
      event,
    ]);
  });

  it('refuses a web page of another origin, or one that reached it through another host name, so no site can read the runs (issue 13)', async () => {
    const relay = await relayOnLoopback();
    const port = new URL(relay.url).port;
    await sendFromAgent(relay, '{"type":"@xstate.snapshot","snapshot":{"context":{"key":"k"}}}');

    expect(await firstMessage(relay.url, { Origin: 'https://evil.example' })).toBe('refused 403');
    // DNS rebinding: a page on a name that resolves to 127.0.0.1 is "same origin" with itself.
    expect(
      await firstMessage(relay.url, {
        Host: `rebound.example:${port}`,
        Origin: `http://rebound.example:${port}`,
      }),
    ).toBe('refused 403');
    // The relay's own page, by any loopback name, and clients that are no page still read.
    expect(await firstMessage(relay.url, { Origin: relay.pageUrl })).toMatch(/^message /);
    expect(
      await firstMessage(`ws://localhost:${port}`, { Origin: `http://localhost:${port}` }),
    ).toMatch(/^message /);
    expect(await firstMessage(relay.url, {})).toMatch(/^message /);
  });

  it('takes at most maxClients clients at once, and another once one leaves', async () => {
    const relay = await relayOnLoopback({ maxClients: 3 });
    const connected = await Promise.all([1, 2, 3].map(() => sendFromAgent(relay, '{}')));
    expect(await firstMessage(relay.url, {})).toBe('refused 503');
    connected[0]!.terminate();
    await expect
      .poll(async () => (await firstMessage(relay.url, {})).split(' ')[0])
      .toBe('message');
  });

  it('lets in the page origins it was told to trust', async () => {
    const relay = await relayOnLoopback({ allowedOrigins: ['http://localhost:5173'] });
    await sendFromAgent(relay, '{"type":"@xstate.event"}');
    expect(await firstMessage(relay.url, { Origin: 'http://localhost:5173' })).toBe(
      'message {"type":"@xstate.event"}',
    );
    expect(await firstMessage(relay.url, { Origin: 'http://localhost:5174' })).toBe('refused 403');
  });

  it('drops a client that stopped reading instead of holding every later message for it (issue 12)', async () => {
    const relay = await relayOnLoopback({ maxUnreadBytes: 64 * 1024 });
    const { port } = new URL(relay.url);
    // A page that connects, then never reads again (a frozen tab).
    const stuck: Socket = connect(Number(port), '127.0.0.1');
    cleanups.push(() => stuck.destroy());
    stuck.write(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await new Promise((resolve) => stuck.once('data', resolve));
    stuck.pause();

    const message = JSON.stringify({ type: '@xstate.snapshot', blob: 'x'.repeat(100_000) });
    const agent = await sendFromAgent(relay, message);
    const sent = 300;
    for (let index = 1; index < sent; index++) {
      agent.send(message);
      // Let the relay read what was sent, as a real agent's pace would.
      if (index % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));

    // The page reads again: it gets what was on its way, then finds itself dropped.
    let received = 0;
    stuck.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    const closed = new Promise((resolve) => stuck.once('close', resolve));
    stuck.resume();
    await closed;
    expect(received).toBeLessThan((sent * message.length) / 2);
  });
});
