import { fromPromise, type PromiseActorLogic } from 'xstate';
import { DefinitionError } from '../errors/definition-error';
import { invokingStateOf } from '../run/invoking-state';
import { runOf, siteOf } from '../run/run-registry';
import { EffectScope } from './effect-scope';
import type { EffectSpec } from './types';

const effectSpecKey = Symbol.for('agentchart.effectSpec');

/**
 * Wraps an effect body as XState promise actor logic that users register in
 * `setup({ actors })`. At run time it finds its run through the actor system; the spec lets
 * `createAgent` check model aliases, tools and schemas before any run.
 */
export function createEffectLogic<TOutput, TInput>(
  spec: EffectSpec,
  body: (scope: EffectScope, input: TInput) => Promise<TOutput>,
): PromiseActorLogic<TOutput, TInput> {
  const logic = fromPromise<TOutput, TInput>(async ({ input, system, self, signal }) => {
    const run = runOf(system);
    if (!run) {
      throw new DefinitionError(
        'definition.effect_not_bound',
        `The effect actor "${self.id}" ran outside an agent. Start the machine with createAgent({ machine, ... }).start(), not createActor(): effects need the agent's models, journal and limits.`,
      );
    }
    const site = siteOf(self);
    const handle = run.beginEffect(site, self, signal, spec.blocksRest);
    const scope = new EffectScope(run, site, handle, invokingStateOf(self));
    return scope.execute(() => body(scope, input));
  });
  Object.defineProperty(logic, effectSpecKey, { value: spec });
  return logic;
}

/** The spec of an agentchart effect logic, or undefined for any other actor logic. */
export function effectSpecOf(logic: unknown): EffectSpec | undefined {
  return typeof logic === 'object' && logic !== null
    ? (logic as { [effectSpecKey]?: EffectSpec })[effectSpecKey]
    : undefined;
}
