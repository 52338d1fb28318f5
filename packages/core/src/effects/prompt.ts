import type { ChatMessage } from '../model/types';
import { promptSystemOf } from '../prompt/define-prompt';

/** A prompt: a user message's text, or whole messages, computed from the effect's input. */
export type PromptFunction<TInput> = (input: TInput) => string | ChatMessage[];

/** A system prompt, fixed or computed from the effect's input. */
export type SystemPrompt<TInput> = string | ((input: TInput) => string);

/**
 * The messages an effect starts with. A versioned prompt (`definePrompt`) brings its own
 * system prompt, used when the effect gives none.
 */
export function initialMessages<TInput>(
  input: TInput,
  prompt: PromptFunction<TInput>,
  system: SystemPrompt<TInput> | undefined,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const systemSource = system ?? promptSystemOf<TInput>(prompt);
  const systemText = typeof systemSource === 'function' ? systemSource(input) : systemSource;
  if (systemText) messages.push({ role: 'system', content: systemText });
  const prompted = prompt(input);
  if (typeof prompted === 'string') messages.push({ role: 'user', content: prompted });
  else messages.push(...prompted);
  return messages;
}
