import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunEvent, RunEventType } from '@agentchart/core';
import { manualClock, scriptedModel } from '@agentchart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { firstAgent } from './agent';
import { triageRoute } from './http-route';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function serve(agent: ReturnType<typeof firstAgent>) {
  const server = createServer(triageRoute(agent));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** The next event of `type` the agent's runs emit. */
function next<TType extends RunEventType>(agent: ReturnType<typeof firstAgent>, type: TType) {
  return new Promise<RunEvent<TType>>((resolve) => {
    const off = agent.events.on(type, (event) => {
      off();
      resolve(event);
    });
  });
}

/** Posts a ticket; resolves with the status and body, or is left open for `destroy()`. */
function post(port: number, ticket: string) {
  const req = request({ host: '127.0.0.1', port, method: 'POST', agent: false });
  const response = once(req, 'response').then(async ([res]) => {
    let body = '';
    for await (const chunk of res) body += chunk;
    return { status: res.statusCode as number, body: JSON.parse(body) as unknown };
  });
  // The test destroys some requests on purpose: their error is expected, not unhandled.
  req.on('error', () => undefined);
  response.catch(() => undefined);
  req.end(JSON.stringify({ ticket }));
  return { req, response };
}

describe('the first agent behind a node:http route', () => {
  it('answers a client that waits with its outcome (the request`s close, fired once its body is read, stops nothing)', async () => {
    const model = scriptedModel({ responses: [{ json: { urgent: false, team: 'tech' } }] });
    const agent = firstAgent(model);
    const { response } = post(await serve(agent), 'the app crashes');
    expect(await response).toMatchObject({
      status: 200,
      body: { status: 'done', output: { team: 'tech' } },
    });
    await agent.close();
  });

  it('stops the run when the client goes away mid-call', async () => {
    // An answer that never comes on its own: the clock is never moved.
    const model = scriptedModel({
      clock: manualClock(),
      responses: [{ json: { urgent: false, team: 'tech' }, latencyMs: 60_000 }],
    });
    const agent = firstAgent(model);
    const ended = next(agent, 'run.end');
    const port = await serve(agent);
    const calling = next(agent, 'llm.call.start');
    const { req } = post(port, 'the app crashes');
    await calling;
    req.destroy();
    expect(await ended).toMatchObject({ type: 'run.end', status: 'stopped' });
    await agent.close();
  });
});
