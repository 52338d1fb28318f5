import type { InvokeGraph, TransitionGraph, TransitionTrigger } from './types';

/** How a trigger reads in the graph: `APPROVE`, `onDone(filter)`, `after 5000ms`. */
export function triggerLabel(trigger: TransitionTrigger): string {
  switch (trigger.kind) {
    case 'event':
      return trigger.event;
    case 'invoke-done':
      return `onDone(${trigger.invoke})`;
    case 'invoke-error':
      return `onError(${trigger.invoke})`;
    case 'invoke-snapshot':
      return `onSnapshot(${trigger.invoke})`;
    case 'state-done':
      return 'onDone';
    case 'after':
      return /^\d+$/.test(trigger.delay) ? `after ${trigger.delay}ms` : `after ${trigger.delay}`;
    case 'always':
      return 'always';
    case 'route':
      return 'route';
  }
}

/** The trigger with its guard: `onDone(filter) [dropped]`. */
export function transitionLabel(transition: TransitionGraph): string {
  const guard = transition.guard ? ` [${transition.guard}]` : '';
  return `${triggerLabel(transition.trigger)}${guard}`;
}

/** What an invoke runs: `structured-call · model classifier` or `actor "fetchUser"`. */
export function invokeLabel(invoke: InvokeGraph): { name: string; runs: string } {
  const parts: string[] = [];
  if (invoke.effect) {
    parts.push(invoke.effect.kind);
    if (invoke.effect.models.length > 0) parts.push(`model ${invoke.effect.models.join(', ')}`);
    if (invoke.effect.tools.length > 0) parts.push(`tools ${invoke.effect.tools.join(', ')}`);
  } else {
    parts.push(invoke.src === undefined ? 'inline actor' : `actor "${invoke.src}"`);
  }
  const source =
    invoke.effect && invoke.src !== undefined && invoke.src !== invoke.name
      ? ` (src "${invoke.src}")`
      : '';
  return { name: `${invoke.name}${source}`, runs: parts.join(' · ') };
}
