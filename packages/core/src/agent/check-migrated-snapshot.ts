import type { AnyStateMachine } from 'xstate';
import { CheckpointError } from '../store/checkpoint-error';
import type { Checkpoint } from '../store/types';
import { isStateMachine } from './inspect-machine';

interface StateNodeLike {
  id: string;
  type: string;
  history?: 'shallow' | 'deep' | false;
  parent?: StateNodeLike;
  config: { after?: Record<string, unknown> };
  invoke: readonly { id: string; src: unknown }[];
  states: Record<string, StateNodeLike>;
}

/** The parts of a persisted snapshot that must fit the machine it is restored into. */
interface PersistedSnapshotLike {
  status?: unknown;
  value?: unknown;
  children?: Record<string, { src?: unknown; snapshot?: unknown } | undefined>;
  /** What each history state remembers: its id → the ids of the states it re-enters. */
  historyValue?: Record<string, readonly { id?: unknown }[] | undefined>;
}

/** Where in the checkpoint a check looks, for its messages. */
interface Where {
  intro: string;
  threadId: string;
  /** The path of the snapshot checked: `snapshot`, or a child machine's below it. */
  at: string;
}

/**
 * Refuses a checkpoint that `migrate` returned for this machine when its snapshot cannot
 * continue in it, before the thread is claimed: restored as it is, a state value the machine
 * lacks fails the thread for good with an XState TypeError, and an effect stored under its
 * old state's invoke id answers nothing (its done event names an invoke the new state does
 * not have), so the thread waits for ever on a wait that already took its reply. So does an
 * `after` timer of a renamed state: it fires, named after the old state, and moves nothing.
 * And so does what a history state remembers: XState drops a remembered state it cannot find,
 * and the history state re-enters its default, as if the thread had never been further. The
 * machines the chart invokes are held to the same: XState drops a child whose actor it cannot
 * find by name, and a child machine's state must be one of its machine's too.
 */
export function checkMigratedSnapshot(
  machine: AnyStateMachine,
  { threadId, snapshot, delayedEvents = [] }: Checkpoint,
  versions: { from: string; to: string },
): void {
  const persisted = snapshot as PersistedSnapshotLike | undefined;
  if (persisted?.status !== 'active') return;
  const intro = `migrate returned a checkpoint of thread "${threadId}" (machine version ${versions.from} → ${versions.to}) that does not fit this machine:`;
  const active = checkFit(machine, persisted, { intro, threadId, at: 'snapshot' });
  const invoked = new Map<string, string>();
  for (const node of active) for (const { id } of node.invoke) invoked.set(id, node.id);
  const children = persisted.children ?? {};
  const orphans = Object.keys(children).filter(
    (id) => typeof children[id]?.src === 'string' && !invoked.has(id),
  );
  const missing = [...invoked.keys()].filter((id) => children[id] === undefined);
  if (orphans.length === 0 || missing.length === 0) {
    checkTimers(active, delayedEvents, intro, threadId);
    return;
  }
  throw new CheckpointError(
    'checkpoint.invalid_migration',
    threadId,
    `${intro} snapshot.children holds ${orphans.map((id) => `"${id}"`).join(', ')}, which no active state invokes, while ${missing.map((id) => `"${id}" (invoked by state "${invoked.get(id)}")`).join(', ')} is missing: restored so, the effect would finish into an invoke the machine no longer has and the thread would wait for ever. Keep the old id on the renamed state's invoke (invoke: { id: '${orphans[0]}', … }): the effect keeps its journal (a wait its deadline and a reply already given) and migrate need only rewrite snapshot.value. Or move the child to the new id in migrate (snapshot.children['${missing[0]}'] = snapshot.children['${orphans[0]}'], then delete the old key): the effect then starts over under that id (a wait is asked again, with a new deadline). Nothing was written: the thread is as it was.`,
  );
}

/**
 * Checks a machine's persisted snapshot (the root's, or a child machine's) against the
 * machine: its state value, what its history states remember, and its children, child
 * machines checked the same way. Returns the states the value makes active.
 */
function checkFit(
  machine: AnyStateMachine,
  persisted: PersistedSnapshotLike,
  where: Where,
): StateNodeLike[] {
  const root = machine.root as unknown as StateNodeLike;
  const active: StateNodeLike[] = [];
  const unknown = activeStates(root, persisted.value, active);
  if (unknown !== undefined) {
    const whose = where.at === 'snapshot' ? 'its state value' : `${where.at}.value`;
    throw new CheckpointError(
      'checkpoint.invalid_migration',
      where.threadId,
      `${where.intro} ${whose} ${JSON.stringify(persisted.value)} names "${unknown.name}", which state "${unknown.parent}" does not have (it has: ${unknown.known.join(', ') || 'no child states'}). Rewrite ${where.at}.value to ${where.at === 'snapshot' ? "this machine's" : "its machine's"} states in migrate (a renamed state under its new name). Nothing was written: the thread is as it was.`,
    );
  }
  checkHistory(machine, persisted.historyValue, where);
  checkChildMachines(machine, persisted.children ?? {}, where);
  return active;
}

/**
 * Refuses a child started from an actor this machine no longer registers under that name
 * (XState's restore drops it without a word, and the state that invoked it waits for ever),
 * and checks each child machine's snapshot against its machine.
 */
function checkChildMachines(
  machine: AnyStateMachine,
  children: NonNullable<PersistedSnapshotLike['children']>,
  where: Where,
): void {
  for (const [id, child] of Object.entries(children)) {
    const src = child?.src;
    if (typeof src !== 'string') continue;
    const entry = `${where.at}.children[${JSON.stringify(id)}]`;
    const logic = referencedActor(machine, src);
    if (logic === undefined) {
      const names = Object.keys(machine.implementations.actors).map((name) => `"${name}"`);
      throw new CheckpointError(
        'checkpoint.invalid_migration',
        where.threadId,
        `${where.intro} ${entry} was started from actor "${src}", which this machine does not have (its setup({ actors }) has: ${names.join(', ') || 'none'}): restored so, XState would drop the child without a word and the state that invoked it would wait for ever. Register the actor under its old name too, or set ${entry}.src to its new name in migrate. Nothing was written: the thread is as it was.`,
      );
    }
    const snapshot = child?.snapshot as PersistedSnapshotLike | undefined;
    if (isStateMachine(logic) && snapshot?.status === 'active') {
      checkFit(logic, snapshot, { ...where, at: `${entry}.snapshot` });
    }
  }
}

/**
 * The actor logic a child's `src` names, as XState's restore finds it: by name in the
 * machine's actors, or an inline one by the state and index of its invoke.
 */
function referencedActor(machine: AnyStateMachine, src: string): unknown {
  const inline = /^xstate\.invoke\.(\d+)\.(.*)$/.exec(src);
  if (!inline) return machine.implementations.actors[src];
  const node = stateNodeById(machine, inline[2]!) as
    | (StateNodeLike & { config: { invoke?: unknown } })
    | undefined;
  const invoke = node?.config.invoke;
  const config = Array.isArray(invoke) ? invoke[Number(inline[1])] : invoke;
  return (config as { src?: unknown } | undefined)?.src;
}

/**
 * The `after` timers the root's active states arm in `machine` that the checkpoint does not
 * hold: XState arms a state's timers as it enters it, so a timer added to the state a thread
 * rests in never starts for that thread unless `migrate` adds it to `delayedEvents`. Empty
 * when the state value does not fit the machine (that is refused on its own).
 */
export function timersNotHeld(
  machine: AnyStateMachine,
  { snapshot, delayedEvents = [] }: Pick<Checkpoint, 'snapshot' | 'delayedEvents'>,
): string[] {
  const persisted = snapshot as PersistedSnapshotLike | undefined;
  if (persisted?.status !== 'active') return [];
  const active: StateNodeLike[] = [];
  if (activeStates(machine.root as unknown as StateNodeLike, persisted.value, active)) return [];
  const held = new Set(delayedEvents.filter(({ target }) => target === '').map(({ id }) => id));
  return [...armedTimers(active)].filter((id) => !held.has(id));
}

/** The ids XState gives the `after` timers of these states. */
function armedTimers(active: readonly StateNodeLike[]): Set<string> {
  const armed = new Set<string>();
  for (const node of active) {
    for (const delay of Object.keys(node.config.after ?? {})) {
      armed.add(`xstate.after.${delay}.${node.id}`);
    }
  }
  return armed;
}

/**
 * Refuses an `after` timer of the root machine that no active state has: XState names it
 * after the state that armed it (`xstate.after.<delay>.<state id>`), so under a renamed state
 * it would fire into nothing.
 */
function checkTimers(
  active: readonly StateNodeLike[],
  delayedEvents: NonNullable<Checkpoint['delayedEvents']>,
  intro: string,
  threadId: string,
): void {
  const armed = armedTimers(active);
  const stale = delayedEvents.find(
    ({ target, id }) => target === '' && id.startsWith('xstate.after.') && !armed.has(id),
  );
  if (!stale) return;
  const candidates = [...armed].map((id) => `"${id}"`).join(', ') || 'none';
  throw new CheckpointError(
    'checkpoint.invalid_migration',
    threadId,
    `${intro} its delayed events hold the \`after\` timer "${stale.id}", which no active state of this machine arms (theirs: ${candidates}): restored so, it would fire into nothing and the state would never time out. In migrate, give the timer its renamed state's name (set both its id and event.type, e.g. to ${[...armed][0] === undefined ? '"xstate.after.<delay>.<new state id>"' : `"${[...armed][0]}"`}), keeping its dueAt, or remove it from checkpoint.delayedEvents if its state is gone. Nothing was written: the thread is as it was.`,
  );
}

/**
 * Refuses a history entry naming a state this machine lacks (a history state renamed or
 * removed, or a remembered state renamed or removed). XState's restore drops such an entry
 * without a word (`reviveHistoryValue`), so the history state would re-enter its default: a
 * form half filled in would start again at its first step.
 */
function checkHistory(
  machine: AnyStateMachine,
  historyValue: PersistedSnapshotLike['historyValue'],
  { intro, threadId, at }: Where,
): void {
  if (historyValue === undefined || historyValue === null || typeof historyValue !== 'object') {
    return;
  }
  for (const [historyId, remembered] of Object.entries(historyValue)) {
    const entry = `${at}.historyValue[${JSON.stringify(historyId)}]`;
    const history = stateNodeById(machine, historyId);
    if (history?.type !== 'history') {
      throw new CheckpointError(
        'checkpoint.invalid_migration',
        threadId,
        `${intro} ${entry} is what history state "${historyId}" remembers, and this machine has no history state with that id: restored so, the memory would be dropped and a transition to the history state's new name would enter its default. In migrate, move the entry to the history state's new id, or delete it if that history state is gone. Nothing was written: the thread is as it was.`,
      );
    }
    for (const { id } of remembered ?? []) {
      if (typeof id === 'string' && stateNodeById(machine, id) !== undefined) continue;
      const known = rememberable(history).map((node) => `"${node.id}"`);
      throw new CheckpointError(
        'checkpoint.invalid_migration',
        threadId,
        `${intro} ${entry} remembers state ${JSON.stringify(id)}, which this machine does not have (the states it may remember there: ${known.join(', ') || 'none'}): restored so, XState would drop it and the history state would re-enter its default state, as if the thread had never been further. In migrate, rewrite the entry to the state's new id (${entry} = [{ id: ${known[0] ?? '"<state id>"'} }]), or delete the entry to re-enter the default on purpose. Nothing was written: the thread is as it was.`,
      );
    }
  }
}

/**
 * The states a history state may remember: its parent's children for a shallow history, the
 * leaves below its parent for a deep one.
 */
function rememberable(history: StateNodeLike): StateNodeLike[] {
  const below = Object.values(history.parent?.states ?? {}).filter(
    (node) => node.type !== 'history',
  );
  if (history.history !== 'deep') return below;
  const leaves: StateNodeLike[] = [];
  const walk = (node: StateNodeLike): void => {
    const children = Object.values(node.states).filter((child) => child.type !== 'history');
    if (children.length === 0) leaves.push(node);
    for (const child of children) walk(child);
  };
  for (const node of below) walk(node);
  return leaves;
}

/** The machine's state node with this id (as a history value names it), if it has one. */
function stateNodeById(machine: AnyStateMachine, id: string): StateNodeLike | undefined {
  try {
    return machine.getStateNodeById(id) as unknown as StateNodeLike;
  } catch {
    return undefined;
  }
}

/**
 * Collects the state nodes `value` makes active under `node`; returns the first name that
 * is not a child state where the value puts it.
 */
function activeStates(
  node: StateNodeLike,
  value: unknown,
  into: StateNodeLike[],
): { name: string; parent: string; known: string[] } | undefined {
  into.push(node);
  if (value === undefined || value === null) return undefined;
  const entries: [string, unknown][] =
    typeof value === 'string'
      ? [[value, undefined]]
      : typeof value === 'object'
        ? Object.entries(value as Record<string, unknown>)
        : [[String(value), undefined]];
  for (const [name, below] of entries) {
    const child = node.states[name];
    if (!child) return { name, parent: node.id, known: Object.keys(node.states) };
    const unknown = activeStates(child, below, into);
    if (unknown) return unknown;
  }
  // A parallel state's regions are all active, even those the value leaves out.
  if (node.type === 'parallel') {
    for (const [name, region] of Object.entries(node.states)) {
      if (!entries.some(([entered]) => entered === name)) into.push(region);
    }
  }
  return undefined;
}
