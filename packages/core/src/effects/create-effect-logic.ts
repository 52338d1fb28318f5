import type { AnyActorRef, EventObject, PromiseActorLogic, PromiseSnapshot } from 'xstate';
import { DefinitionError } from '../errors/definition-error';
import { invokingStateOf } from '../run/invoking-state';
import type { EffectHandle } from '../run/run-port';
import { runOf, siteOf } from '../run/run-registry';
import { EffectScope } from './effect-scope';
import type { EffectSpec } from './types';
import { unreadAbort } from './unread-abort';

const effectSpecKey = Symbol.for('agentchart.effectSpec');

// XState's event types for a promise actor (those `fromPromise` uses).
const promiseResolve = 'xstate.promise.resolve';
const promiseReject = 'xstate.promise.reject';
const actorStop = 'xstate.stop';

/** The part of XState's actor system a promise actor reports its settling through. */
interface RelayingSystem {
  _relay(source: AnyActorRef, target: AnyActorRef, event: EventObject & { data: unknown }): void;
}

/**
 * Wraps an effect body as XState promise actor logic that users register in
 * `setup({ actors })`. At run time it finds its run through the actor system; the spec lets
 * `createAgent` check model aliases, tools and schemas before any run.
 *
 * The logic is XState's `fromPromise` — same snapshots, persisted the same way, the same
 * events — except for two things a run resting on a wait for days would otherwise keep, and an
 * eviction pay for: the actor has no AbortController of its own (its run aborts the effect
 * when the actor stops, see `RunPort.effectActorStopped`), and the body's promise is followed
 * directly, not through an async function's.
 */
export function createEffectLogic<TOutput, TInput>(
  spec: EffectSpec,
  body: (scope: EffectScope, input: TInput) => Promise<TOutput>,
): PromiseActorLogic<TOutput, TInput> {
  const logic: PromiseActorLogic<TOutput, TInput> = {
    transition: (snapshot, event, { self, system }) => {
      if (snapshot.status !== 'active') return snapshot;
      switch (event.type) {
        case promiseResolve:
          return { ...snapshot, status: 'done', output: event.data as TOutput, input: undefined };
        case promiseReject:
          return { ...snapshot, status: 'error', error: event.data, input: undefined };
        case actorStop:
          runOf(system)?.effectActorStopped(self);
          return { ...snapshot, status: 'stopped', input: undefined };
        default:
          return snapshot;
      }
    },
    // Not destructured in the parameters: the closures below would keep a context for the
    // parameters besides the function's own (48 bytes a waiting run holds).
    start: (snapshot, actorScope) => {
      if (snapshot.status !== 'active') return;
      const { self, system } = actorScope;
      let handle: EffectHandle | undefined;
      let running: Promise<TOutput>;
      try {
        const run = runOf(system);
        if (!run) {
          throw new DefinitionError(
            'definition.effect_not_bound',
            `The effect actor "${self.id}" ran outside an agent. Start the machine with createAgent({ machine, ... }).start(), not createActor(): effects need the agent's models, journal and limits.`,
          );
        }
        const site = siteOf(self);
        handle = run.beginEffect(site, self, spec.blocksRest);
        const scope = new EffectScope(run, site, handle, invokingStateOf(self), self);
        running = Promise.resolve(body(scope, snapshot.input as TInput));
      } catch (error) {
        running = Promise.reject(error);
      }
      running.then(
        (output) => settled(handle, self, system, promiseResolve, output),
        (error: unknown) => settled(handle, self, system, promiseReject, error),
      );
    },
    getInitialSnapshot: (_, input) => ({
      status: 'active',
      output: undefined,
      error: undefined,
      input,
    }),
    getPersistedSnapshot: (snapshot) => snapshot,
    restoreSnapshot: (snapshot) => snapshot as PromiseSnapshot<TOutput, TInput>,
  };
  Object.defineProperty(logic, effectSpecKey, { value: spec });
  return logic;
}

/** An effect's promise settled: its run learns it is over, then its actor takes the result. */
function settled(
  handle: EffectHandle | undefined,
  self: AnyActorRef,
  system: unknown,
  type: string,
  data: unknown,
): void {
  handle?.settle();
  if (self.getSnapshot().status !== 'active') return;
  // A wait aborted leaves the reason to be read here (see unreadAbort).
  const settledWith = data === unreadAbort ? handle?.abortReason : data;
  (system as RelayingSystem)._relay(self, self, { type, data: settledWith });
}

/** The spec of an agentchart effect logic, or undefined for any other actor logic. */
export function effectSpecOf(logic: unknown): EffectSpec | undefined {
  return typeof logic === 'object' && logic !== null
    ? (logic as { [effectSpecKey]?: EffectSpec })[effectSpecKey]
    : undefined;
}
