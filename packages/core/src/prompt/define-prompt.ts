import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import type { ChatMessage } from '../model/types';

/** Which prompt a model call was made with: recorded in its journal entry and events. */
export interface PromptRef {
  id: string;
  version: string | number;
}

/** Options of {@link definePrompt}. */
export interface PromptOptions<TInput, TPrompted extends string | ChatMessage[]> {
  /** A stable name, e.g. `support.triage`: the same across versions. */
  id: string;
  /** This version: a number (0 or more) or a label. Change it whenever the text changes. */
  version: string | number;
  /** A system prompt, fixed or computed from the input. */
  system?: string | ((input: TInput) => string) | undefined;
  /** The user message's text, or whole messages, computed from the effect's input. */
  render: (input: TInput) => TPrompted;
  /** What the version changed, for people comparing versions. */
  description?: string | undefined;
}

/**
 * A versioned prompt: callable as the `prompt` of `structuredCall`, `toolLoop`,
 * `cascadeCall` or `routeGenerateVerify` (its `system`, when it has one, is used unless the
 * effect gives its own),
 * carrying its id and version so every model call made with it records them.
 */
export interface Prompt<TInput = unknown, TPrompted extends string | ChatMessage[] = string>
  extends PromptRef {
  (input: TInput): TPrompted;
  readonly system?: string | ((input: TInput) => string);
  readonly description?: string;
}

const promptMarker = Symbol.for('agentchart.prompt');

/**
 * Defines a prompt as a typed, versioned module. Effects given it record its id and version
 * with every model call — in the call's journal entry (`meta.prompt`, and the run log's
 * `prompt_id` and `prompt_version` columns) and its `llm.call.start` event — so the run log,
 * an eval report or the thread's journal tells which version produced an answer. A replay
 * reads its answers from that journal; one whose prompt text changed since stops with
 * `replay.diverged`.
 *
 * @example
 * ```ts
 * export const triagePrompt = definePrompt({
 *   id: 'support.triage',
 *   version: 2,
 *   system: 'You route support tickets.',
 *   render: (ticket: Ticket) => `Classify this ticket:\n${ticket.body}`,
 * });
 * // structuredCall({ model: 'fast', schema, prompt: triagePrompt })
 * ```
 */
export function definePrompt<TInput, TPrompted extends string | ChatMessage[] = string>(
  options: PromptOptions<TInput, TPrompted>,
): Prompt<TInput, TPrompted> {
  checkOptionNames('definePrompt', options, ['id', 'version', 'system', 'render', 'description']);
  const { id, version, system, render, description } = options;
  if (typeof id !== 'string' || id.trim() === '') {
    throw new DefinitionError(
      'definition.invalid_option',
      `definePrompt: id must be a non-empty string, got ${JSON.stringify(id)}. Give the prompt a stable name such as "support.triage".`,
    );
  }
  // A numbered version counts up from 0: a negative one is a typo (-1 for 1), and the run
  // log and evals would show it as a version older than the first.
  const versionOk =
    (typeof version === 'number' && Number.isFinite(version) && version >= 0) ||
    (typeof version === 'string' && version.trim() !== '');
  if (!versionOk) {
    throw new DefinitionError(
      'definition.invalid_option',
      `definePrompt "${id}": version must be a number, 0 or more, or a non-empty string, got ${describeValue(version)}. Count versions up from 0 or 1, or label them ("2025-06-triage").`,
    );
  }
  if (typeof render !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `definePrompt "${id}": render must be a function of the effect's input that returns the user message, such as render: (ticket) => 'Classify this ticket: ' + ticket.body, got ${describeValue(render)}.`,
    );
  }
  if (system !== undefined && typeof system !== 'string' && typeof system !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `definePrompt "${id}": system must be a string or a function of the effect's input, got ${describeValue(system)}.`,
    );
  }
  const prompt = (input: TInput) => render(input);
  Object.defineProperties(prompt, {
    id: { value: id, enumerable: true },
    version: { value: version, enumerable: true },
    [promptMarker]: { value: true },
    ...(system === undefined ? {} : { system: { value: system, enumerable: true } }),
    ...(description === undefined ? {} : { description: { value: description, enumerable: true } }),
  });
  return prompt as Prompt<TInput, TPrompted>;
}

/** The id and version of a prompt made with {@link definePrompt}; undefined for a plain function. */
export function promptRefOf(prompt: unknown): PromptRef | undefined {
  if (typeof prompt !== 'function' || !(prompt as { [promptMarker]?: boolean })[promptMarker]) {
    return undefined;
  }
  const { id, version } = prompt as unknown as PromptRef;
  return { id, version };
}

/** The system prompt a versioned prompt carries, if any. */
export function promptSystemOf<TInput>(
  prompt: unknown,
): string | ((input: TInput) => string) | undefined {
  return promptRefOf(prompt) ? (prompt as Prompt<TInput, never>).system : undefined;
}
