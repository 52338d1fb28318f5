import { RunError } from '../errors/run-error';

/** What V8 says when code writes to a frozen object or array. */
const frozenWrite =
  /object is not extensible|Cannot assign to read only property|Cannot delete property|Cannot define property/;

/**
 * The error a run fails with when the machine changed its context in place: agentchart freezes
 * the context once a step is checkpointed (see `SnapshotSealer`), so such a write throws a
 * bare TypeError; this one says what happened and what to write instead. Undefined for any
 * other error.
 */
export function contextMutationError(error: unknown): RunError | undefined {
  if (!(error instanceof TypeError) || !frozenWrite.test(error.message)) return undefined;
  return new RunError('run.context_mutated', {
    message: `The machine changed its context in place (${error.message}). A run freezes the context once a step is checkpointed, so that no change can slip past a checkpoint; change it only through assign, with new objects and arrays — e.g. assign({ items: ({ context }) => [...context.items, item] }) instead of context.items.push(item).`,
    cause: error,
  });
}
