import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunQuery, StudioRunStatus } from './types';

const statuses = new Set<string>(['running', 'waiting', 'done', 'failed', 'limit', 'stopped']);

/** The run list's filters from a request's query string; anything unknown is left out. */
export function runQuery(params: URLSearchParams): RunQuery {
  const query: RunQuery = {};
  const status = params.get('status');
  if (status && statuses.has(status)) query.status = status as StudioRunStatus;
  const agent = params.get('agent');
  if (agent) query.agent = agent;
  const search = params.get('search');
  if (search) query.search = search;
  const offset = Number(params.get('offset'));
  if (Number.isInteger(offset) && offset > 0) query.offset = offset;
  const limit = Number(params.get('limit'));
  if (Number.isInteger(limit) && limit > 0) query.limit = Math.min(limit, 1000);
  return query;
}

/** Answers with a JSON body. */
export function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}

/** A request's JSON body (at most 1 MiB), or undefined when it is not JSON. */
export async function readBody(request: IncomingMessage): Promise<unknown> {
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
    return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
