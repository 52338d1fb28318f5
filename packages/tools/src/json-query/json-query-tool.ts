import { DefinitionError, defineTool, type Tool } from '@agentchart/core';
import { checkOptionNames, optionNamesOf } from '@agentchart/core/internal';
import { z } from 'zod';
import { requirePositiveInteger } from '../shared/validate-option';
import { checkBoundDocument, checkReturnedDocument } from './check-document';
import { JsonQueryError } from './json-query-error';
import { runJsonQueryWorker } from './run-json-query-worker';
import type { JsonQueryToolOptions } from './types';

/** The smallest heap a query worker is given: below it, V8 fails the process, not the query. */
const minMemoryMb = 8;

const jsonQueryOutput = z.object({
  /** The result as JSON text; cut at maxOutputChars when `truncated`. */
  json: z.string(),
  truncated: z.boolean(),
});

/** The input the model sends to {@link jsonQueryTool}. */
export interface JsonQueryToolInput {
  query: string;
  /** The document as JSON text, when the tool was made without `data`. */
  document?: string;
}

/** The JSON query tool's type. */
export type JsonQueryTool = Tool<z.ZodType<JsonQueryToolInput>, typeof jsonQueryOutput>;

/** Every option of {@link jsonQueryTool}, checked against its type by the compiler. */
const jsonQueryToolOptionNames = optionNamesOf<JsonQueryToolOptions>({
  name: true,
  data: true,
  dataHint: true,
  maxDocumentChars: true,
  maxQueryLength: true,
  maxOutputChars: true,
  timeoutMs: true,
  maxMemoryMb: true,
});

/**
 * A tool that queries a JSON document with JMESPath (the JMESPath Community implementation:
 * an interpreter of the language, no `eval`), so the model can pick, filter and reshape large
 * JSON — `orders[?total > \`100\`].{id: id, customer: customer.name}` — instead of reading it
 * whole. The document is the tool's `data` or, without it, JSON text the model passes.
 * Each query runs in a worker thread with a heap limit, terminated at `timeoutMs` (it then
 * fails with `RunError` `tool.timeout`, whether the agent's timer or the tool's own stops it);
 * the result is cut at `maxOutputChars`. Reading only, so `pure`.
 *
 * @example
 * ```ts
 * const catalog = jsonQueryTool({
 *   data: () => loadCatalog(),
 *   dataHint: 'An object { products: [{ sku, name, price, tags }] }.',
 * });
 * ```
 */
export function jsonQueryTool(options: JsonQueryToolOptions = {}): JsonQueryTool {
  checkOptionNames('jsonQueryTool', options, jsonQueryToolOptionNames);
  const {
    name = 'json_query',
    data,
    dataHint,
    maxDocumentChars = 1_000_000,
    maxQueryLength = 1_000,
    maxOutputChars = 100_000,
    timeoutMs = 2_000,
    maxMemoryMb = 128,
  } = options;
  const owner = 'jsonQueryTool';
  requirePositiveInteger(owner, 'maxDocumentChars', maxDocumentChars);
  requirePositiveInteger(owner, 'maxQueryLength', maxQueryLength);
  requirePositiveInteger(owner, 'maxOutputChars', maxOutputChars);
  requirePositiveInteger(owner, 'timeoutMs', timeoutMs);
  requirePositiveInteger(owner, 'maxMemoryMb', maxMemoryMb);
  if (maxMemoryMb < minMemoryMb) {
    // Below a few MiB V8 cannot start the worker's heap, and its out-of-memory error is fatal
    // to the whole process, not to the worker: 1 or 2 MiB killed the host on the first query.
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: maxMemoryMb is ${maxMemoryMb}. Give at least ${minMemoryMb} MiB (the default is 128): a smaller worker heap cannot run a query, and V8 running out of it ends the whole process.`,
    );
  }
  const bound = data !== undefined;
  if (bound && typeof data !== 'function') checkBoundDocument(owner, data);
  const input = z.strictObject({
    query: z
      .string()
      .min(1)
      .max(maxQueryLength)
      .describe('A JMESPath expression, e.g. "items[?price < `10`].name" or "length(items)".'),
    ...(bound
      ? {}
      : {
          document: z
            .string()
            .min(1)
            .max(maxDocumentChars)
            .describe('The JSON document to query, as JSON text.'),
        }),
  });
  return defineTool({
    name,
    description: `Queries ${bound ? 'a JSON document' : 'the JSON document you pass'} with a JMESPath expression and returns the result as JSON (at most ${maxOutputChars} characters). Use it to pick, filter, count or reshape data instead of reading all of it.${dataHint ? ` ${dataHint}` : ''}`,
    input: input as unknown as z.ZodType<JsonQueryToolInput>,
    output: jsonQueryOutput,
    effect: 'pure',
    timeoutMs,
    execute: async ({ query, document }, { signal }) => {
      const source = bound ? { value: await boundDocument(data) } : { text: document ?? '' };
      const response = await runJsonQueryWorker(
        { query, document: source, maxOutputChars },
        { tool: name, timeoutMs, maxMemoryMb, signal },
      );
      if (!response.ok) throw new JsonQueryError(response.code, response.message);
      return { json: response.json, truncated: response.truncated };
    },
  });
}

/** The bound document for one call: `data` itself, or what its function returns, checked. */
async function boundDocument(data: unknown): Promise<unknown> {
  if (typeof data !== 'function') return data;
  const value: unknown = await (data as () => unknown)();
  checkReturnedDocument(value);
  return value;
}
