/**
 * @module
 * The first agent behind a plain `node:http` route: one run per request, stopped when the
 * client goes away, its outcome and errors answered as HTTP statuses from their typed fields.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Agent, AgentchartError, type RunOutcome } from '@agentchart/core';
import type { machine } from './agent';

/**
 * The request's cancellation, which `node:http` does not give as a signal: aborts when the
 * client goes away before its response is sent, and never after.
 */
export function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  // The response's `close`, not the request's: a request emits `close` once its body has been
  // read (Node 16 on), with its client still waiting, and would stop every run at once.
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new Error('the client went away'));
  });
  return controller.signal;
}

/** The status for a run's outcome, read from its typed fields, never from a message. */
export function statusOf(outcome: RunOutcome): number {
  switch (outcome.status) {
    case 'done':
      return 200;
    case 'waiting':
      return 202;
    case 'limit':
      return outcome.limit.tenantId === undefined ? 504 : 429;
    case 'stopped':
      // The client went away (nobody reads this), or `agent.close()` handed the run back.
      return 503;
    case 'failed': {
      const { code, retryable } = outcome.error;
      return retryable === true || code === 'model.circuit_open' ? 503 : 502;
    }
  }
}

/** The status for what `agent.run` threw: a refusal before any thread was started. */
function statusOfRefusal(error: unknown): number {
  if (!AgentchartError.isInstance(error)) return 500;
  if (error.code === 'agent.invalid_input' || error.code === 'definition.invalid_option') {
    return 400;
  }
  return error.code === 'agent.closed' ? 503 : 500;
}

/** `POST { "ticket": "…" }`: runs the agent on the ticket and answers with its outcome. */
export function triageRoute(agent: Agent<typeof machine>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const signal = clientGone(res);
    const answer = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    let ticket: unknown;
    try {
      let body = '';
      for await (const chunk of req) body += chunk; // a real route caps the body's size
      ticket = (JSON.parse(body) as { ticket?: unknown }).ticket;
    } catch {
      return void answer(400, { error: 'the body is not JSON' });
    }
    if (typeof ticket !== 'string') return void answer(400, { error: 'ticket: a string' });
    try {
      const outcome = await agent.run({ input: { ticket }, signal });
      answer(statusOf(outcome), outcome);
    } catch (error) {
      // An aborted signal throws its reason, as fetch does: the client is gone already.
      answer(statusOfRefusal(error), {
        error: AgentchartError.isInstance(error) ? error.code : 'unknown',
      });
    }
  };
}
