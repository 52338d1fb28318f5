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

/**
 * The error `promise` rejects with; fails when it resolves. `make` (one of {@link makeError})
 * says, on failure, how the store refuses it.
 */
export async function rejection(
  promise: Promise<unknown>,
  what: string,
  make?: string,
): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail(`${what} resolved; it should have been refused.${howToMake(make)}`);
}

function howToMake(make: string | undefined): string {
  return make === undefined
    ? ''
    : ` Make the error with ${make} (from @agentchart/core and @agentchart/core/internal).`;
}

/**
 * How a store makes each error the suite expects of it, from what `@agentchart/core` and
 * `@agentchart/core/internal` publish: an author told only "did not match /…/" would have to
 * read the suite's source to learn the message every store shares.
 */
export const makeError = {
  conflict:
    "new CheckpointError('checkpoint.conflict', threadId, conflictMessage(threadId, currentVersion, checkpoint.version))",
  fenced:
    "new CheckpointError('checkpoint.conflict', threadId, fencedMessage(threadId, 'effect \"k1\"' or 'checkpoint 4', 'run \"r2\" holds its lease' or 'its checkpoint 3 names another owner'))",
  leaseHeld: 'CheckpointError.leaseHeld(threadId, heldLease, now, options.takeOverFrom)',
  leaseOptions: "assertLeaseOptions('acquireLease' (or the method's name), options)",
  listDueOptions: 'checkListDueOptions(options)',
  listThreadsOptions: 'checkListThreadsOptions(options)',
} as const;

/**
 * Asserts `error` is an agentchart error with `code` whose message matches `pattern`. `make`
 * (one of {@link makeError}) says, on failure, how the store makes the error expected.
 */
export function assertCode(error: Error, code: string, pattern?: RegExp, make?: string): void {
  const how = howToMake(make);
  assert.equal(
    (error as { code?: unknown }).code,
    code,
    `expected ${code}, got ${describeError(error)}.${how}`,
  );
  if (pattern) {
    assert.match(
      error.message,
      pattern,
      `the ${code} message does not match ${pattern}: "${error.message}".${how}`,
    );
  }
}

/** What was thrown, for a failure message: its code, if any, and its message. */
function describeError(error: Error): string {
  const { code } = error as { code?: unknown };
  return `${code === undefined ? 'an error without a code' : String(code)}: "${error.message}"`;
}
