import type { AnyActor, AnyActorRef } from 'xstate';
import { sealJson } from '../store/sealed-json';
import { contextNotJsonError } from './context-not-json';

/** The parts of a machine snapshot this module reads. */
interface MachineSnapshotShape {
  machine?: unknown;
  context?: unknown;
  children?: Record<string, AnyActorRef | undefined>;
  historyValue?: unknown;
}

/** A child actor's entry as sealed at the last checkpoint, with what it was built from. */
interface SealedChild {
  id: string;
  ref: AnyActorRef;
  /** The child's snapshot it was built from: the same object means the same entry. */
  snapshot: unknown;
  sealed: unknown;
}

/** No children yet: one array for every run. */
const noChildren: readonly SealedChild[] = Object.freeze([]);

/**
 * The fields of a machine snapshot XState's `getPersistedSnapshot` writes as they are (it
 * writes `context` and `children` itself, and leaves out live objects and methods), in its
 * order. The sealed-snapshot test holds this list to XState's own output.
 */
const persistedFields = ['status', 'output', 'error', 'value', 'historyValue'] as const;

/**
 * A run actor's persisted snapshot as a sealed JSON tree (see `sealJson`), built so its cost
 * follows what the last macrostep changed, not the size of the state. One per run: it keeps
 * the last checkpoint's sealed snapshot and what each part was built from.
 *
 * XState's own `getPersistedSnapshot()` walks the whole context on every call to replace actor
 * references, and copies every part of the snapshot. Here the context is sealed where it is
 * instead: frozen in place, the objects it shares with the previous checkpoint's context
 * skipped, actor references written as XState writes them (their `toJSON`). The other parts
 * are written as XState writes them, and each is taken from the last checkpoint when what it
 * is built from is the same object: a child whose snapshot did not change keeps its entry, a
 * history value its serialised form, and a checkpoint of an unchanged state is the previous
 * one. Freezing the context enforces what XState asks of a machine — context is only changed
 * through `assign`, which makes new objects — and turns a change made in place, which a
 * checkpoint could otherwise miss, into an error at the line that makes it. With
 * `freezeContext` false the context is copied instead (its cost then follows its size).
 */
export class SnapshotSealer {
  readonly #freezeContext: boolean;
  /** The last sealed snapshot, and the parts it was built from. */
  #sealed: Record<string, unknown> | undefined;
  /** The children's entries, in the order XState lists them. */
  #children: readonly SealedChild[] = noChildren;
  #historyValue: unknown;
  #sealedHistory: unknown;
  /** The last sealed context, kept by {@link release}: the next seal shares it (see there). */
  #restingContext: unknown;

  /** Called when the context or the output holds a value its JSON gives back as something else. */
  readonly #onContextLoss: (() => void) | undefined;

  constructor(freezeContext = true, onContextLoss?: () => void) {
    this.#freezeContext = freezeContext;
    this.#onContextLoss = onContextLoss;
  }

  /** The actor's persisted snapshot now, sharing every unchanged part with the last one. */
  seal(actor: AnyActor): unknown {
    try {
      return this.#seal(actor);
    } catch (error) {
      // A bigint in the context or the output: said where, not as JSON.stringify's TypeError.
      throw contextNotJsonError(actor.getSnapshot(), error) ?? error;
    }
  }

  #seal(actor: AnyActor): unknown {
    const snapshot = actor.getSnapshot() as MachineSnapshotShape & Record<string, unknown>;
    const before = this.#sealed;
    if (snapshot.machine === undefined || typeof snapshot.context !== 'object') {
      const sealed = sealJson(actor.getPersistedSnapshot(), { previous: before }) as Record<
        string,
        unknown
      >;
      this.#sealed = sealed;
      return sealed;
    }
    let changed = before === undefined;
    const sealed: Record<string, unknown> = {};
    for (const key of persistedFields) {
      const value =
        key === 'historyValue'
          ? this.#historyOf(snapshot.historyValue)
          : sealJson(snapshot[key], {
              previous: before?.[key],
              ...(key === 'output' && this.#onContextLoss ? { onLoss: this.#onContextLoss } : {}),
            });
      if (value === undefined) continue;
      if (!changed && value !== before![key]) changed = true;
      sealed[key] = value;
    }
    const context = sealJson(snapshot.context, {
      inPlace: this.#freezeContext,
      previous: before === undefined ? this.#restingContext : before.context,
      ...(this.#onContextLoss ? { onLoss: this.#onContextLoss } : {}),
    });
    this.#restingContext = undefined;
    const children = this.#childrenOf(snapshot.children ?? {}, before?.children);
    if (!changed && context === before!.context && children === before!.children) {
      // The same fields: the previous checkpoint holds every one this one would.
      if (Object.keys(before!).length === Object.keys(sealed).length + 2) return before;
    }
    if (context !== undefined) sealed.context = context;
    sealed.children = children;
    this.#sealed = Object.freeze(sealed);
    return this.#sealed;
  }

  /**
   * Lets go of the last sealed snapshot, for a run at rest: what a checkpoint shares with the
   * next one is worth keeping while the run works, not while it waits days for a person. Only
   * its context is kept (sealed in place, it is the actor's own, so keeping it costs nothing):
   * the next seal then skips the parts of the context that did not change, and what it builds
   * again — the snapshot's other fields, its children's entries — is small.
   */
  release(): void {
    const context = this.#sealed?.context;
    if (context !== undefined) this.#restingContext = context;
    this.#sealed = undefined;
    this.#children = noChildren;
    this.#historyValue = undefined;
    this.#sealedHistory = undefined;
  }

  /** XState's form of a history value (`{ [state]: [{ id }] }`), sealed once per value. */
  #historyOf(historyValue: unknown): unknown {
    if (historyValue === this.#historyValue && this.#sealedHistory !== undefined) {
      return this.#sealedHistory;
    }
    const serialised: Record<string, { id: unknown }[]> = {};
    if (typeof historyValue === 'object' && historyValue !== null) {
      for (const key in historyValue) {
        const nodes = (historyValue as Record<string, unknown>)[key];
        if (Array.isArray(nodes)) {
          serialised[key] = nodes.map((node: { id: unknown }) => ({ id: node.id }));
        }
      }
    }
    this.#historyValue = historyValue;
    this.#sealedHistory = sealJson(serialised, { previous: this.#sealedHistory });
    return this.#sealedHistory;
  }

  /**
   * The children's entries as XState writes them. A child whose snapshot is the one its entry
   * was built from keeps that entry, unless it has children of its own (their steps do not
   * change its snapshot); the object itself is the previous one when no entry changed.
   */
  #childrenOf(children: Record<string, AnyActorRef | undefined>, previous: unknown): unknown {
    const before = this.#children;
    const after: SealedChild[] = [];
    const entries: Record<string, unknown> = {};
    let changed = previous === undefined;
    for (const id in children) {
      const ref = children[id];
      if (ref === undefined) continue;
      const snapshot = ref.getSnapshot() as MachineSnapshotShape;
      // Children keep their order from step to step: the same place first.
      const same = before[after.length];
      const was = same?.id === id ? same : before.find((child) => child.id === id);
      let child: SealedChild;
      if (was?.ref === ref && was.snapshot === snapshot && !hasChildren(snapshot)) {
        child = was;
      } else {
        const entry = {
          snapshot: ref.getPersistedSnapshot(),
          src: ref.src,
          // XState's fields, not in its public types.
          systemId: (ref as { systemId?: unknown }).systemId,
          syncSnapshot: (ref as { _syncSnapshot?: unknown })._syncSnapshot,
        };
        child = { id, ref, snapshot, sealed: sealJson(entry, { previous: was?.sealed }) };
        if (child.sealed !== was?.sealed) changed = true;
      }
      after.push(child);
      entries[id] = child.sealed;
    }
    // Its exact length, not the capacity `push` gave it: a run waiting days keeps it.
    this.#children = after.slice();
    if (!changed && after.length === before.length) return previous;
    return Object.freeze(entries);
  }
}

function hasChildren(snapshot: MachineSnapshotShape): boolean {
  for (const _ in snapshot.children) return true;
  return false;
}
