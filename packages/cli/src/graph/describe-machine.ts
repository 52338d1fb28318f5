import { effectSpecOf } from '@agentchart/core/internal';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { InvokeGraph, StateGraph, TransitionGraph, TransitionTrigger } from './types';

interface TransitionLike {
  eventType: string;
  guard?: unknown;
  target?: readonly AnyStateNode[];
  reenter?: boolean;
  delay?: number | string;
}

/**
 * Describes a machine's states, invokes and transitions from XState's state nodes — the
 * resolved definition, so `onDone`/`onError` of invokes, `after` and `always` transitions
 * appear as the edges they are at run time.
 */
export function describeMachine(machine: AnyStateMachine): StateGraph {
  return describeNode(machine, machine.root);
}

function describeNode(machine: AnyStateMachine, node: AnyStateNode): StateGraph {
  const transitions = [...node.transitions.values()].flat() as TransitionLike[];
  const always = (node.always ?? []) as TransitionLike[];
  const initialTarget = node.type === 'compound' ? node.initial.target[0] : undefined;
  const invokes = node.invoke.map((invoke, index) => describeInvoke(machine, node, invoke, index));
  const names = new Map(invokes.map((invoke) => [invoke.id, invoke.name]));
  return {
    key: node.key,
    path: node.path,
    type: node.type,
    ...(node.history ? { history: node.history } : {}),
    ...(initialTarget ? { initial: initialTarget.key } : {}),
    ...(node.description ? { description: node.description } : {}),
    invokes,
    transitions: [...transitions, ...always].map((transition) =>
      describeTransition(transition, names),
    ),
    children: Object.values(node.states).map((child) => describeNode(machine, child)),
  };
}

function describeInvoke(
  machine: AnyStateMachine,
  node: AnyStateNode,
  invoke: { id: string; src: unknown },
  index: number,
): InvokeGraph {
  // XState names inline logic `xstate.invoke.<index>.<state id>`; the logic stays in the config.
  const configured = [node.config.invoke ?? []].flat()[index] as { src?: unknown } | undefined;
  const inline = typeof configured?.src !== 'string';
  const logic = inline
    ? configured?.src
    : (machine.implementations.actors as Record<string, unknown>)[String(invoke.src)];
  const spec = effectSpecOf(logic);
  const generatedId = invoke.id === `${index}.${node.id}`;
  const inlineCount = [node.config.invoke ?? []]
    .flat()
    .slice(0, index + 1)
    .filter((config) => typeof (config as { src?: unknown }).src !== 'string').length;
  return {
    id: invoke.id,
    name: !generatedId ? invoke.id : inline ? `inline #${inlineCount}` : String(invoke.src),
    ...(inline ? {} : { src: String(invoke.src) }),
    ...(spec
      ? {
          effect: {
            kind: spec.kind,
            models: [...spec.modelAliases],
            tools: spec.tools.map((tool) => tool.name),
          },
        }
      : {}),
  };
}

function describeTransition(
  transition: TransitionLike,
  invokeNames: ReadonlyMap<string, string>,
): TransitionGraph {
  return {
    trigger: triggerOf(transition, invokeNames),
    ...(transition.guard === undefined ? {} : { guard: guardName(transition.guard) }),
    targets: (transition.target ?? []).map((target) => target.path),
    reenter: transition.reenter ?? false,
  };
}

const invokeEvents = [
  ['xstate.done.actor.', 'invoke-done'],
  ['xstate.error.actor.', 'invoke-error'],
  ['xstate.snapshot.', 'invoke-snapshot'],
] as const;

function triggerOf(
  { eventType, delay }: TransitionLike,
  invokeNames: ReadonlyMap<string, string>,
): TransitionTrigger {
  if (eventType === '') return { kind: 'always' };
  if (eventType === 'xstate.route') return { kind: 'route' };
  if (delay !== undefined) return { kind: 'after', delay: String(delay) };
  if (eventType.startsWith('xstate.done.state.')) return { kind: 'state-done' };
  for (const [prefix, kind] of invokeEvents) {
    if (!eventType.startsWith(prefix)) continue;
    const id = eventType.slice(prefix.length);
    return { kind, invoke: invokeNames.get(id) ?? id };
  }
  return { kind: 'event', event: eventType };
}

/** A readable name for any guard XState accepts: a name, `{ type }`, a function or a combinator. */
export function guardName(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const fn = guard as { name: string; check?: unknown; guards?: unknown[]; stateValue?: unknown };
    if (fn.check && Array.isArray(fn.guards)) {
      return `${fn.name}(${fn.guards.map(guardName).join(', ')})`;
    }
    if (fn.check && 'stateValue' in fn) return `stateIn(${JSON.stringify(fn.stateValue)})`;
    // An arrow function written inline takes the property's name, `guard`.
    return fn.name && fn.name !== 'guard' ? fn.name : 'inline guard';
  }
  if (typeof guard === 'object' && guard !== null && 'type' in guard) {
    return String((guard as { type: unknown }).type);
  }
  return 'guard';
}
