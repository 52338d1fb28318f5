import type { AnyActor } from 'xstate';
import { sealJson } from '../store/sealed-json';

/** The parts of a persisted machine snapshot this module reads. */
interface PersistedShape {
  context?: unknown;
}

/**
 * The actor's persisted snapshot as a sealed JSON tree (see `sealJson`), built so its cost
 * follows what the last macrostep changed, not the size of the context.
 *
 * XState's own `getPersistedSnapshot()` walks the whole context on every call to replace actor
 * references. Here the context is sealed where it is instead: frozen in place, the objects it
 * shares with the previous checkpoint's context skipped, actor references written as XState
 * writes them (their `toJSON`). The rest of the snapshot (state value, children, history) is
 * XState's, sealed as a copy. Freezing the context enforces what XState asks of a machine —
 * context is only changed through `assign`, which makes new objects — and turns a change made
 * in place, which a checkpoint could otherwise miss, into an error at the line that makes it.
 * With `freezeContext` false the context is copied instead (its cost then follows its size).
 */
export function sealedSnapshotOf(
  actor: AnyActor,
  previous: unknown,
  freezeContext = true,
): unknown {
  const snapshot = actor.getSnapshot() as { context?: unknown; machine?: unknown };
  const before = previous as PersistedShape | undefined;
  if (snapshot.machine === undefined || typeof snapshot.context !== 'object') {
    return sealJson(actor.getPersistedSnapshot(), { previous });
  }
  const context = sealJson(snapshot.context, {
    inPlace: freezeContext,
    previous: before?.context,
  });
  // XState writes the rest; its context walk gets nothing to walk.
  const persisted = actor.logic.getPersistedSnapshot({
    ...snapshot,
    context: undefined,
  }) as Record<string, unknown>;
  const sealed: Record<string, unknown> = {};
  for (const key of Object.keys(persisted)) {
    const value =
      key === 'context'
        ? context
        : sealJson(persisted[key], { previous: (before as Record<string, unknown>)?.[key] });
    if (value !== undefined) sealed[key] = value;
  }
  return Object.freeze(sealed);
}
