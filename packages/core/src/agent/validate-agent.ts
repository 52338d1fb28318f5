import type { AnyStateMachine } from 'xstate';
import { DefinitionError } from '../errors/definition-error';
import { closestName } from '../errors/option-names';
import type { ChatModel } from '../model/types';
import type { AnyTool } from '../tools/types';
import { effectSpecsOf, invokedSources, spawnsWithoutId } from './inspect-machine';

/**
 * Finds definition mistakes before any run: invoked actors that are not registered, model
 * aliases with no model, two different tools sharing a name. Throws a {@link DefinitionError}
 * naming the problem and the fix. Returns the tools the machine's effects use.
 */
export function validateAgent(
  machine: AnyStateMachine,
  models: ReadonlyMap<string, readonly ChatModel[]>,
  summariserModel?: string,
): AnyTool[] {
  if (summariserModel !== undefined && !models.get(summariserModel)?.length) {
    throw new DefinitionError(
      'definition.model_not_provided',
      `summariserModel is "${summariserModel}", which is not among the models given. Add it: createAgent({ models: { ${summariserModel}: aCheaperModel } }). Given: ${[...models.keys()].join(', ') || 'none'}.`,
    );
  }
  const actors = (machine.implementations.actors ?? {}) as Record<string, unknown>;
  for (const { src, state } of invokedSources(machine)) {
    if (!(src in actors) && src.startsWith('xstate.invoke.')) {
      // XState names an actor given inline (invoke: { src: fromPromise(…) }) itself; that
      // generated name is not one to register.
      throw new DefinitionError(
        'definition.actor_not_registered',
        `State "${state}" invokes an actor given inline (invoke: { src: fromPromise(…) }). Register it by name — setup({ actors: { myStep: fromPromise(…) } }) — and invoke it as { src: 'myStep' }: createAgent checks the actors a chart invokes by their names. Registered: ${Object.keys(actors).join(', ') || 'none'}.`,
      );
    }
    if (!(src in actors)) {
      throw new DefinitionError(
        'definition.actor_not_registered',
        `State "${state}" invokes "${src}", which is not registered. Add it to setup({ actors: { ${src}: ... } }). Registered: ${Object.keys(actors).join(', ') || 'none'}.`,
      );
    }
  }
  const [anonymous] = spawnsWithoutId(machine);
  if (anonymous) {
    // XState stores a child spawned without an id under the key "undefined": a second one
    // replaces the first in the snapshot, and neither's timers find it again on restore.
    throw new DefinitionError(
      'definition.spawn_without_id',
      `State "${anonymous.state}" spawns "${anonymous.src}" without an id. XState keeps such a child in the snapshot under the key "undefined", so a checkpoint holds at most one of them and their timers and events are lost when the run is restored (after an eviction, a crash or a restart). Give it an id unique among the children alive at once: spawnChild('${anonymous.src}', { id: '${anonymous.src}' }), or an id from the event (id: ({ event }) => \`${anonymous.src}-\${event.id}\`).`,
    );
  }
  const toolsByName = new Map<string, AnyTool>();
  for (const [name, spec] of effectSpecsOf(machine)) {
    for (const alias of spec.modelAliases) {
      if (!models.get(alias)?.length) {
        throw new DefinitionError(
          'definition.model_not_provided',
          `Effect "${name}" calls model "${alias}", which was not given.${typoHint(alias, [...models.keys()])} Add it: createAgent({ models: { ${alias}: yourModel } }). Given: ${[...models.keys()].join(', ') || 'none'}.`,
        );
      }
    }
    for (const tool of spec.tools) {
      const known = toolsByName.get(tool.name);
      if (known && known !== tool) {
        throw new DefinitionError(
          'definition.duplicate_tool',
          `Two different tools are named "${tool.name}" (one used by effect "${name}"). Tool names must be unique within an agent: rename one.`,
        );
      }
      toolsByName.set(tool.name, tool);
    }
  }
  return [...toolsByName.values()];
}

/**
 * A given alias a letter or two off the missing one: the effect's `model` and the key of
 * `createAgent({ models })` are spelt in two places, either may hold the typo, and "add it"
 * alone is the wrong advice for one.
 */
function typoHint(alias: string, given: readonly string[]): string {
  const meant = closestName(alias, given);
  return meant === undefined
    ? ''
    : ` A model is given as "${meant}": a typo? The effect's model and the key in createAgent({ models }) must be spelt the same.`;
}
