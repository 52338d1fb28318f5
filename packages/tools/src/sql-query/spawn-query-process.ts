import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { siblingModuleUrl } from '../shared/sibling-module-url';
import { toolTimeoutError } from '../shared/tool-timeout-error';
import { SqlQueryError } from './sql-query-error';
import type { SqlQueryRequest, SqlQueryResponse } from './types';

// Mirrors queryProcessFlag in the process entry, which this module must not import.
const processFlag = '--agentchart-sql-query';

/** How the query process is bounded. */
export interface QueryProcessLimits {
  /** The tool's name, for the timeout's error. */
  tool: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * Runs one query in a Node process of its own and kills it (SIGKILL) at the timeout or when
 * the call is aborted; past the timeout it fails with `RunError` `tool.timeout`, the error the
 * agent's own timer at the same `timeoutMs` gives, so the race between the two decides nothing. `node:sqlite` is synchronous and has no interrupt: in this process a
 * runaway query (a cross join, a recursive CTE) would block the event loop, and with it every
 * timer that could stop it. Its output is capped; its environment is empty.
 */
export function runQueryProcess(
  request: SqlQueryRequest,
  { tool, timeoutMs, signal }: QueryProcessLimits,
): Promise<SqlQueryResponse> {
  signal.throwIfAborted();
  const entry = siblingModuleUrl(import.meta.url, 'sql-query-process');
  if ('missing' in entry) {
    return Promise.reject(
      new SqlQueryError('sql.failed', `The query process cannot start: ${entry.missing}`),
    );
  }
  const processEntry = fileURLToPath(entry.url);
  const maxOutput = request.maxResultBytes * 2 + 64 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=256', processEntry, processFlag], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {},
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      child.kill('SIGKILL');
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
                'the query was stopped. Narrow it (a WHERE clause, a LIMIT, fewer joins), or raise its timeoutMs.',
            }),
          ),
        ),
      timeoutMs,
    );
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxOutput) {
        settle(() =>
          reject(
            new SqlQueryError('sql.failed', 'The query process answered more than its output cap.'),
          ),
        );
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) =>
      settle(() =>
        reject(
          new SqlQueryError(
            'sql.failed',
            `The query process could not start (${error.message}).`,
            error,
          ),
        ),
      ),
    );
    child.on('close', (code) =>
      settle(() => {
        try {
          resolve(JSON.parse(Buffer.concat(stdout).toString('utf8')) as SqlQueryResponse);
        } catch {
          reject(
            new SqlQueryError(
              'sql.failed',
              `The query process ended (exit code ${code}) without an answer${stderr ? `: ${stderr.trim().split('\n')[0]}` : ''}.`,
            ),
          );
        }
      }),
    );
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify(request));
  });
}
