import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { search } from '@jmespath-community/jmespath';
import type { JsonQueryRequest, JsonQueryResponse } from './types';

// This file is the worker's entry: Node runs it directly (from `src` by stripping types, from
// `dist` as built), so it imports only packages and types, never a relative module at run time.

/**
 * Evaluates a JMESPath query (the JMESPath Community dialect, an interpreter: no `eval`) over a
 * document and serializes the result, stopping at `maxOutputChars`. Results can share
 * sub-objects (`{a: @, b: @} | {a: @, b: @} | …` doubles at each step), so the result is
 * never handed to `JSON.stringify` whole.
 */
export function evaluateJsonQuery({
  query,
  document,
  maxOutputChars,
}: JsonQueryRequest): JsonQueryResponse {
  let value: unknown;
  if ('text' in document) {
    try {
      value = JSON.parse(document.text);
    } catch (error) {
      return {
        ok: false,
        code: 'json_query.invalid_document',
        message: `The document is not valid JSON (${(error as Error).message}). Pass the JSON text itself.`,
      };
    }
  } else {
    value = document.value;
  }
  let result: unknown;
  try {
    result = search(value as Parameters<typeof search>[0], query);
  } catch (error) {
    const syntax = /syntax|token|expected|unknown function|invalid/i.test((error as Error).message);
    return {
      ok: false,
      code: syntax ? 'json_query.invalid_query' : 'json_query.failed',
      message: `${syntax ? 'The query is not valid JMESPath' : 'The query failed'}: ${(error as Error).message}. Example: items[?price < \`10\`].name`,
    };
  }
  return { ok: true, ...boundedJson(result, maxOutputChars) };
}

/** JSON text of `value`, cut off once it passes `limit` characters. */
export function boundedJson(value: unknown, limit: number): { json: string; truncated: boolean } {
  const parts: string[] = [];
  let length = 0;
  const full = () => length > limit;
  const push = (text: string) => {
    parts.push(text);
    length += text.length;
  };
  const write = (node: unknown): void => {
    if (full()) return;
    if (node === null || typeof node !== 'object') {
      push(JSON.stringify(node) ?? 'null');
      return;
    }
    if (Array.isArray(node)) {
      push('[');
      node.forEach((item, index) => {
        if (full()) return;
        if (index > 0) push(',');
        write(item);
      });
      push(']');
      return;
    }
    push('{');
    let first = true;
    for (const [key, item] of Object.entries(node)) {
      if (full()) break;
      if (item === undefined) continue;
      push(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      write(item);
    }
    push('}');
  };
  write(value);
  const json = parts.join('');
  return json.length > limit
    ? { json: json.slice(0, limit), truncated: true }
    : { json, truncated: false };
}

/** The data a worker started for a query carries, so this file knows to serve. */
export const jsonQueryWorkerMarker = 'agentchart.jsonQuery';

if (
  !isMainThread &&
  (workerData as { marker?: string } | undefined)?.marker === jsonQueryWorkerMarker
) {
  parentPort!.once('message', (request: JsonQueryRequest) => {
    parentPort!.postMessage(evaluateJsonQuery(request));
  });
}
