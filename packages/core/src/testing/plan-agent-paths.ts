import { type AnyStateMachine, type EventObject, type StateValue, transition } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { effectSpecOf } from '../effects/create-effect-logic';
import { DefinitionError } from '../errors/definition-error';
import { restTimerThresholdMs } from '../run/rest-timer-threshold';
import { leafStatePaths } from '../run/state-paths';
import type { InvokeInfo, TestAgentPathsOptions } from './agent-path-types';
import { outcomesOf, type PlannedOutcome } from './path-outcomes';

/** A path of the graph to a final state, with how a run produces each of its edges. */
export interface PlannedPath {
  name: string;
  steps: PlannedOutcome[];
  expected: StateValue;
}

interface StateNodeLike {
  id: string;
  type: string;
  key: string;
  invoke: readonly { id: string; src: unknown }[];
  /** The state's `after` transitions, with the event XState raises when each is due. */
  after: readonly { eventType: string; delay: number | string }[];
  states: Record<string, StateNodeLike>;
}

interface SnapshotLike {
  value: StateValue;
  status: string;
  _nodes: StateNodeLike[];
}

/** Every invoke of the machine, nested states included. */
export function invokesOf(machine: AnyStateMachine): InvokeInfo[] {
  const actors = (machine.implementations.actors ?? {}) as Record<string, unknown>;
  const found: InvokeInfo[] = [];
  const walk = (node: StateNodeLike) => {
    for (const invoke of node.invoke) {
      const src = typeof invoke.src === 'string' ? invoke.src : undefined;
      const logic = src === undefined ? invoke.src : actors[src];
      found.push({ id: invoke.id, src, state: node.id, spec: effectSpecOf(logic) });
    }
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root as unknown as StateNodeLike);
  return found;
}

/**
 * Walks the machine's graph with `xstate/graph`, taking as events every outcome each invoke
 * may have (success and failure edges) and the given outside events, and keeps the paths
 * that end in a final state. Also says what the walk could not cover.
 */
export function planAgentPaths<TMachine extends AnyStateMachine>(
  options: TestAgentPathsOptions<TMachine>,
  invokes: readonly InvokeInfo[],
): { paths: PlannedPath[]; gaps: string[]; reachedFinals: Set<string> } {
  const { machine, input, effects = {}, traversal = 'simple', maxStates = 10_000 } = options;
  const events: readonly EventObject[] = options.events ?? [];
  const gaps: string[] = [];
  const byEvent = new Map<EventObject, PlannedOutcome>();
  for (const invoke of invokes) {
    const outcomes = outcomesOf(invoke, effects[invoke.id] ?? {});
    if (outcomes.length === 0) {
      gaps.push(
        `invoke "${invoke.id}" (state ${invoke.state}) has no outcomes to leave by: give effects.${invoke.id}.outputs`,
      );
    }
    for (const outcome of outcomes) byEvent.set(outcome.event, outcome);
  }
  for (const event of events) {
    byEvent.set(event, { invokeId: '', name: event.type, event, realise: { by: 'send', event } });
  }
  const timers = timersOf(machine, gaps);
  for (const timer of timers) byEvent.set(timer.event, timer);
  const busy = (snapshot: SnapshotLike) => busyIn(snapshot, invokes, timers);
  for (const id of Object.keys(effects)) {
    if (!invokes.some((invoke) => invoke.id === id)) {
      gaps.push(
        `effects.${id} names no invoke of the machine; invoke ids: ${invokes.map((invoke) => invoke.id).join(', ')}`,
      );
    }
  }
  const walk = traversal === 'shortest' ? getShortestPaths : getSimplePaths;
  const graphPaths = walkWithin(maxStates, () =>
    walk(walkable(machine), {
      input,
      events: [...byEvent.keys()],
      // Only the outcomes planned here: XState would otherwise also try bare `{ type }` events.
      filterEvents: (_: unknown, event: EventObject) => byEvent.has(event),
      limit: maxStates,
    } as never),
  ) as unknown as {
    state: SnapshotLike;
    steps: { state: SnapshotLike; event: EventObject }[];
  }[];
  const paths: PlannedPath[] = [];
  const reachedFinals = new Set<string>();
  for (const graphPath of graphPaths) {
    if (graphPath.state.status !== 'done') continue;
    const steps: PlannedOutcome[] = [];
    let name = stateName(graphPath.steps[0]!.state.value);
    let realisable = true;
    for (let index = 1; index < graphPath.steps.length; index++) {
      const step = graphPath.steps[index]!;
      const outcome = byEvent.get(step.event)!;
      const before = graphPath.steps[index - 1]!.state;
      const working =
        outcome.realise.by === 'send' || outcome.realise.by === 'advance'
          ? busy(before)
          : undefined;
      if (working) {
        realisable = false;
        gaps.push(
          outcome.realise.by === 'send'
            ? `a path sends "${outcome.name}" in ${stateName(before.value)} while ${working}; a run receives outside events only at rest, so it was not run`
            : `a path takes "${outcome.name}" in ${stateName(before.value)} while ${working}; the clock moves only while a run rests, so it was not run`,
        );
        break;
      }
      steps.push(outcome);
      name += ` -(${outcome.invokeId ? `${outcome.invokeId}: ` : ''}${outcome.name})-> ${stateName(step.state.value)}`;
    }
    if (!realisable) continue;
    reachedFinals.add(JSON.stringify(graphPath.state.value));
    paths.push({ name, steps, expected: graphPath.state.value });
  }
  return { paths, gaps: [...new Set(gaps)], reachedFinals };
}

/**
 * Every `after` transition of the machine as an outcome the walk takes: the event XState
 * raises when the timer is due, realised by moving the manual clock by its delay. A named
 * delay is looked up in the machine's `delays`; one computed from the context cannot be
 * known before the run, so its transition is named in the gaps rather than walked.
 */
function timersOf(machine: AnyStateMachine, gaps: string[]): Timer[] {
  const delays = (machine.implementations.delays ?? {}) as Record<string, unknown>;
  const timers: Timer[] = [];
  const walk = (node: StateNodeLike) => {
    for (const { eventType, delay } of node.after) {
      const ms = typeof delay === 'number' ? delay : delays[delay];
      if (typeof ms !== 'number') {
        gaps.push(
          `state ${node.id}'s after timer "${delay}" is computed when the run enters the state; the walk takes only delays given as numbers, so its transition was not run`,
        );
        continue;
      }
      const event = { type: eventType };
      timers.push({
        invokeId: '',
        name: `after ${ms} ms`,
        event,
        realise: { by: 'advance', ms },
        state: node.id,
      });
    }
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root as unknown as StateNodeLike);
  return timers;
}

/**
 * Runs a walk bounded to `maxStates` states: XState's "Traversal limit exceeded" (an untyped
 * error that names no cause) becomes a `DefinitionError` that says why a walk has no end.
 */
function walkWithin<T>(maxStates: number, walk: () => T): T {
  try {
    return walk();
  } catch (error) {
    if (!(error instanceof Error) || error.message !== 'Traversal limit exceeded') throw error;
    throw new DefinitionError(
      'definition.invalid_option',
      `testAgentPaths: the walk of the chart passed maxStates (${maxStates}) distinct states without ending. A state is its value and its context: a context that grows on a cycle — an array appended to, or a counter no guard bounds, at every outside event or loop — makes states without end. Bound what the cycle adds, walk fewer events, or raise maxStates.`,
      error,
    );
  }
}

/**
 * The machine as `xstate/graph` walks it, each transition made in an actor system of its own.
 * The walk makes every transition in one system, where a state with an invoke or spawn that
 * has a `systemId`, reached a second time by another path, fails with XState's "Actor with
 * system ID '…' already exists". XState's pure `transition` gives each call a fresh system.
 * A snapshot that is no longer active takes no event, as a running actor's does not: the pure
 * `transition` would take a root-level `on` past a final state, to paths no run can follow.
 */
function walkable(machine: AnyStateMachine): AnyStateMachine {
  const logic = Object.create(machine) as AnyStateMachine;
  logic.transition = (snapshot, event) =>
    snapshot.status === 'active' ? transition(machine, snapshot, event)[0] : snapshot;
  return logic;
}

/** The top-level final states of a machine, as JSON of their values. */
export function finalStatesOf(machine: AnyStateMachine): string[] {
  const root = machine.root as unknown as StateNodeLike;
  return Object.values(root.states)
    .filter((node) => node.type === 'final')
    .map((node) => JSON.stringify(node.key));
}

/** A state value as its active leaf paths: `rating`, `review.drafting | review.checking`. */
export function stateName(value: StateValue): string {
  return leafStatePaths(value).join(' | ');
}

/** An `after` timer as the walk takes it, with the id of the state node that arms it. */
type Timer = PlannedOutcome & { realise: { by: 'advance' }; state: string };

/**
 * What keeps a run working in the state, so that it does not rest there: an effect other
 * than a human wait, or a timer due within the rest threshold. Undefined when it rests.
 */
function busyIn(
  snapshot: SnapshotLike,
  invokes: readonly InvokeInfo[],
  timers: readonly Timer[],
): string | undefined {
  const active = new Set(snapshot._nodes.map((node) => node.id));
  const working = invokes.some(
    (invoke) => active.has(invoke.state) && invoke.spec?.kind !== 'human-wait',
  );
  if (working) return 'an effect runs there';
  const near = timers.some(
    (timer) => active.has(timer.state) && timer.realise.ms < restTimerThresholdMs,
  );
  if (near) {
    return `a timer due within ${restTimerThresholdMs / 1_000} s keeps the run working there`;
  }
  return undefined;
}
