import type { ChatMessage } from '../model/types';

/** A prompt: a user message's text, or whole messages, computed from the effect's input. */
export type PromptFunction<TInput> = (input: TInput) => string | ChatMessage[];

/** A system prompt, fixed or computed from the effect's input. */
export type SystemPrompt<TInput> = string | ((input: TInput) => string);

/** The messages an effect starts with. */
export function initialMessages<TInput>(
  input: TInput,
  prompt: PromptFunction<TInput>,
  system: SystemPrompt<TInput> | undefined,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const systemText = typeof system === 'function' ? system(input) : system;
  if (systemText) messages.push({ role: 'system', content: systemText });
  const prompted = prompt(input);
  if (typeof prompted === 'string') messages.push({ role: 'user', content: prompted });
  else messages.push(...prompted);
  return messages;
}
