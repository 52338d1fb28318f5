import type { AnyStateMachine } from 'xstate';
import { RunError } from '../errors/run-error';

/**
 * The most microsteps one macrostep of a run's machine (or of a child machine it registers)
 * may take when the machine sets no `options.maxIterations` of its own. XState's default is
 * no bound: an eventless loop that never settles (`a: { always: 'b' }, b: { always: 'a' }`)
 * spins inside one synchronous call, and the process — every run in it, the lease heartbeat,
 * `close()` — hangs for ever. A real loop (a step per item of a list) takes far fewer.
 */
export const defaultMaxMicrosteps = 100_000;

/**
 * The machine a run executes: `machine` with {@link defaultMaxMicrosteps} as its
 * `maxIterations` unless it sets its own, and likewise each state machine registered in its
 * `actors` (invoked or spawned by name). A copy made with `provide`: the caller's machine
 * and its definition (the version checkpoints store) stay as they are.
 */
export function boundedMachine(
  machine: AnyStateMachine,
  seen = new Map<AnyStateMachine, AnyStateMachine>(),
): AnyStateMachine {
  const done = seen.get(machine);
  if (done) return done;
  // Until its copy is made, a machine that registers itself (through a child) keeps its own.
  seen.set(machine, machine);
  const children: Record<string, AnyStateMachine> = {};
  for (const [name, logic] of Object.entries(machine.implementations.actors ?? {})) {
    if (isStateMachine(logic)) children[name] = boundedMachine(logic, seen);
  }
  const bounded = machine.provide({ actors: children } as never) as AnyStateMachine;
  seen.set(machine, bounded);
  const options = (bounded as { options?: { maxIterations?: number } }).options;
  if (options && options.maxIterations === Number.POSITIVE_INFINITY) {
    options.maxIterations = defaultMaxMicrosteps;
  }
  return bounded;
}

function isStateMachine(logic: unknown): logic is AnyStateMachine {
  return typeof logic === 'object' && logic !== null && 'getStateNodeById' in logic;
}

/**
 * XState's "Infinite loop detected" as a typed error: the run's machine took more microsteps
 * in one macrostep than its bound, so its eventless transitions (or raised events) never
 * settled. Undefined for any other error.
 */
export function infiniteLoopError(error: unknown): RunError | undefined {
  if (!(error instanceof Error) || !error.message.startsWith('Infinite loop detected')) {
    return undefined;
  }
  return new RunError('run.infinite_loop', {
    message: `${error.message} agentchart bounds a machine that sets no options.maxIterations at ${defaultMaxMicrosteps.toLocaleString('en')} microsteps per macrostep; give the loop a guard that ends it, or set options.maxIterations in the machine's config if it really takes more.`,
    cause: error,
  });
}
