import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type InspectorRelay, startInspectorRelay } from './start-inspector-relay';

/** Debian's Chromium, as the studio's browser tests drive it (scripts/ci-services.sh installs it). */
const chromiumPath = '/usr/bin/chromium';

let browser: Browser;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `The relay page's browser tests drive Debian's Chromium at ${chromiumPath}, which is not installed: run "bash scripts/ci-services.sh" (or apt-get install -y chromium).`,
    );
  }
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 30_000);

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A page server on loopback, answering every path with `html(path)`. */
async function servePage(html: (path: string) => string): Promise<{ origin: string }> {
  const server: Server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html(request.url ?? '/'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** An agent's process streaming to the relay. */
async function agentOf(relay: InspectorRelay): Promise<WebSocket> {
  const agent = new WebSocket(relay.url);
  cleanups.push(() => agent.terminate());
  await new Promise((resolve) => agent.once('open', resolve));
  return agent;
}

const secretRun = JSON.stringify({
  type: '@xstate.actor',
  sessionId: 'x:0',
  createdAt: 1,
  snapshot: { context: { customer: 'SECRET-IN-THE-BACKLOG' } },
});
const liveMessage = JSON.stringify({
  type: '@xstate.event',
  sessionId: 'x:0',
  createdAt: 2,
  event: { type: 'agentchart.tool', output: 'SECRET-SENT-LIVE' },
});

describe('startInspectorRelay', () => {
  it("gives a page that frames the relay's page nothing, though it navigates the inspector frame to a page of its own (the relay's page posted every run to whatever that frame held)", async () => {
    // The hosted inspector, not loaded yet (offline, slow): the relay's page holds the runs.
    const inspector = await servePage(() => '<title>inspector</title>');
    const relay = await startInspectorRelay({ port: 0, inspectorUrl: `${inspector.origin}/` });
    cleanups.push(() => relay.close());
    const agent = await agentOf(relay);
    agent.send(secretRun);
    // Another site: it frames the relay's page, then points the inspector frame inside it (a
    // descendant of its own) at its own page, which says it is the inspector and collects.
    const attacker = await servePage((path) =>
      path === '/collect'
        ? '<script>addEventListener("message", (event) => top.stolen.push(event.data)); parent.postMessage({ type: "@statelyai.connected" }, "*");</script>'
        : `<script>window.stolen = [];</script><iframe src="${relay.pageUrl}"></iframe>
<script>
  const timer = setInterval(() => {
    if (frames[0]?.length > 0) {
      clearInterval(timer);
      frames[0].frames[0].location = '/collect';
    }
  }, 20);
</script>`,
    );
    // `localhost` rather than 127.0.0.1: another origin than the relay's page and the inspector.
    const page = await browser.newPage();
    cleanups.push(() => page.close());
    await page.goto(attacker.origin.replace('127.0.0.1', 'localhost'), { waitUntil: 'commit' });
    await page.waitForTimeout(1000);
    agent.send(liveMessage);
    await page.waitForTimeout(500);
    const stolen = await page.evaluate(
      () => (globalThis as unknown as { stolen: unknown[] }).stolen,
    );
    expect(stolen).toEqual([]);
  });

  it('still feeds its own page, opened directly, to the inspector frame once it is connected', async () => {
    const inspector = await servePage(
      () =>
        '<script>window.received = []; addEventListener("message", (event) => received.push(event.data)); parent.postMessage({ type: "@statelyai.connected" }, "*");</script>',
    );
    const relay = await startInspectorRelay({ port: 0, inspectorUrl: `${inspector.origin}/` });
    cleanups.push(() => relay.close());
    const agent = await agentOf(relay);
    agent.send(secretRun);
    const page = await browser.newPage();
    cleanups.push(() => page.close());
    await page.goto(relay.pageUrl);
    const frame = page.frames().find((candidate) => candidate.url().startsWith(inspector.origin));
    const received = () =>
      frame!.evaluate(() => (globalThis as unknown as { received: unknown[] }).received.length);
    await expect.poll(received).toBe(1);
    agent.send(liveMessage);
    await expect.poll(received).toBe(2);
  });
});
