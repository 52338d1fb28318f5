import { storableText, unstorableText } from './job-data-text';
import type { ThreadJobResult } from './thread-job';

/**
 * A job's result as pg-boss can store it. Its `detail` quotes what the thread held — a wait's
 * prompt made from a page a tool read, an error a tool threw — and pg-boss keeps a job's output
 * as `jsonb`, which refuses a NUL character or a lone surrogate: the job's completion failed,
 * and the job was tried again, refused the same way each time, until the queue gave up.
 */
export function storableJobResult(result: ThreadJobResult): ThreadJobResult {
  if (!unstorableText(result, 'result')) return result;
  const fields = Object.entries(result).map(([name, value]) => [
    name,
    typeof value === 'string' ? storableText(value) : value,
  ]);
  return Object.fromEntries(fields) as ThreadJobResult;
}
