import assert from 'node:assert/strict';
import type { JournalEntry } from '../../ledger/types';
import type { Checkpoint } from '../../store/types';

/** A checkpoint of `threadId` at `version`, with state that differs per version. */
export function checkpointAt(threadId: string, version: number, owner?: string): Checkpoint {
  return {
    threadId,
    version,
    machineVersion: 'm1',
    snapshot: {
      status: 'active',
      value: 'working',
      context: { step: version, notes: ['a', 'b'].concat(Array(version).fill('x')) },
    },
    run: {
      status: version === 3 ? 'waiting' : 'running',
      input: { request: 'hi' },
      startedAt: 1,
      occurrences: { work: version },
      usage: {
        inputTokens: 10 * version,
        outputTokens: version,
        costUsd: 0.001 * version,
        modelCalls: version,
        toolCalls: 0,
        steps: version,
      },
    },
    delayedEvents: [],
    createdAt: 1_700_000_000_000 + version,
    ...(owner === undefined ? {} : { owner }),
  };
}

/** A journal entry of an unsafe tool: its intent, or its result. */
export function entryOf(
  threadId: string,
  key: string,
  status: JournalEntry['status'],
): JournalEntry {
  return {
    threadId,
    key,
    site: 'work',
    kind: 'tool',
    effect: 'unsafe',
    name: 'send_invoice',
    status,
    startedAt: 5,
    input: { amount: 120 },
    ...(status === 'completed' ? { finishedAt: 6, output: { invoiceId: `inv-${key}` } } : {}),
    ...(status === 'failed'
      ? { finishedAt: 6, error: { name: 'RunError', code: 'tool.failed', message: 'no' } }
      : {}),
  };
}

/** The error `promise` rejects with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>, what: string): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail(`${what} resolved; it should have been refused`);
}

/** Asserts `error` is an agentchart error with `code` whose message matches `pattern`. */
export function assertCode(error: Error, code: string, pattern?: RegExp): void {
  assert.equal((error as { code?: unknown }).code, code, `expected ${code}, got: ${error.message}`);
  if (pattern) assert.match(error.message, pattern);
}
