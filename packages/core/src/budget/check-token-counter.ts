import { DefinitionError } from '../errors/definition-error';
import { describeValue } from '../errors/option-names';
import type { ChatModel } from '../model/types';
import type { TokenCounter } from './token-counter';

const counterMethods = [
  'countText',
  'countMessage',
  'countMessages',
  'countTools',
  'countResponseFormat',
  'countRequest',
] as const;

function problemOf(value: unknown, what: string): string | undefined {
  if (typeof (value as { then?: unknown } | null)?.then === 'function') {
    return `${what} is a Promise: tiktokenCounter() loads its encoding asynchronously. Create the counter first — const counter = await tiktokenCounter({ model: 'gpt-4o-mini' }) — and pass counter.`;
  }
  const record = value as Record<string, unknown> | null;
  const missing =
    typeof value === 'object' && value !== null
      ? counterMethods.filter((method) => typeof record?.[method] !== 'function')
      : counterMethods;
  if (missing.length === 0) return undefined;
  return `${what} must be a token counter — await tiktokenCounter({ model }) from @agentchart/tokenizer, or estimateTokenCounter from @agentchart/core/budget — got ${describeValue(value)}${typeof value === 'object' && value !== null ? ` (it has no ${missing.join(', ')})` : ''}.`;
}

/**
 * The agent's per-model token counter, checked: a counter that is not one (a forgotten
 * `await`, a string) would fail every model call with a TypeError deep in the budget step.
 * A single counter is checked here, at definition; a function of the model when it answers.
 *
 * @throws DefinitionError `definition.invalid_option` saying what to give.
 */
export function tokenCounterResolver(
  tokenCounter: TokenCounter | ((model: ChatModel) => TokenCounter),
): (model: ChatModel) => TokenCounter {
  if (typeof tokenCounter !== 'function') {
    const problem = problemOf(tokenCounter, 'createAgent: tokenCounter');
    if (problem) throw new DefinitionError('definition.invalid_option', problem);
    return () => tokenCounter;
  }
  const checked = new WeakSet<object>();
  return (model) => {
    const counter = tokenCounter(model);
    if (!checked.has(counter as object)) {
      const problem = problemOf(
        counter,
        `createAgent: what the tokenCounter function returned for "${model.modelName}"`,
      );
      if (problem) throw new DefinitionError('definition.invalid_option', problem);
      checked.add(counter as object);
    }
    return counter;
  };
}
