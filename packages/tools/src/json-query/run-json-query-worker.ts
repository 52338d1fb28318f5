import { Worker } from 'node:worker_threads';
import { siblingModuleUrl } from '../shared/sibling-module-url';
import { toolTimeoutError } from '../shared/tool-timeout-error';
import { JsonQueryError } from './json-query-error';
import type { JsonQueryRequest, JsonQueryResponse } from './types';

// Mirrors jsonQueryWorkerMarker in the worker entry, which this module must not import.
const marker = 'agentchart.jsonQuery';

/** How the worker is bounded. */
export interface JsonQueryWorkerLimits {
  /** The tool's name, for the timeout's error. */
  tool: string;
  timeoutMs: number;
  maxMemoryMb: number;
  signal: AbortSignal;
}

/**
 * Evaluates one query in a worker thread of its own, terminated at the timeout or when the
 * call is aborted, with a heap limit. Past the timeout it fails with `RunError` `tool.timeout`,
 * the error the agent's own timer at the same `timeoutMs` gives, so the race between the two
 * decides nothing. Evaluation is synchronous: a query whose work grows
 * exponentially (nested projections, sorting huge results) would otherwise block this
 * thread's event loop, and every timer that could stop it.
 */
export function runJsonQueryWorker(
  request: JsonQueryRequest,
  { tool, timeoutMs, maxMemoryMb, signal }: JsonQueryWorkerLimits,
): Promise<JsonQueryResponse> {
  signal.throwIfAborted();
  const entry = siblingModuleUrl(import.meta.url, 'json-query-worker');
  if ('missing' in entry) {
    return Promise.reject(
      new JsonQueryError('json_query.failed', `The query worker cannot start: ${entry.missing}`),
    );
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry.url, {
      workerData: { marker },
      // Not the parent's flags (--inspect, --input-type, loaders): the worker runs plain Node.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb, maxYoungGenerationSizeMb: 16 },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      outcome();
    };
    const onAbort = () => settle(() => reject(signal.reason));
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(
            toolTimeoutError({
              tool,
              timeoutMs,
              advice:
                'the query was stopped. Select less (filter first, project fewer fields), or raise its timeoutMs.',
            }),
          ),
        ),
      timeoutMs,
    );
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (response: JsonQueryResponse) => settle(() => resolve(response)));
    worker.once('error', (error: Error & { code?: string }) =>
      settle(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new JsonQueryError(
                'json_query.too_much_memory',
                `The query needed more than ${maxMemoryMb} MiB and was stopped. Select less.`,
                error,
              )
            : new JsonQueryError(
                'json_query.failed',
                `The query worker failed: ${error.message}.`,
                error,
              ),
        ),
      ),
    );
    worker.once('exit', (code) =>
      settle(() =>
        reject(
          new JsonQueryError(
            'json_query.failed',
            `The query worker exited (code ${code}) without an answer.`,
          ),
        ),
      ),
    );
    worker.postMessage(request);
  });
}
