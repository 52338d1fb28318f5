import { DefinitionError } from '../errors/definition-error';
import { describeValue } from '../errors/option-names';
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
  const systemSource = system ?? promptSystemOf<TInput>(prompt);
  const systemText = typeof systemSource === 'function' ? systemSource(input) : systemSource;
  if (systemText !== undefined && typeof systemText !== 'string') {
    throw new DefinitionError(
      'definition.invalid_option',
      `The effect's system prompt returned ${describeValue(systemText)} for its input; a system prompt function returns the system message's text.`,
    );
  }
  // Lists made at their lengths, not grown by pushes: a run keeps its request's list (the
  // journal's record of what it sent) for as long as it lives.
  const systemMessage: ChatMessage | undefined = systemText
    ? { role: 'system', content: systemText }
    : undefined;
  const prompted: unknown = prompt(input);
  if (typeof prompted === 'string') {
    const user: ChatMessage = { role: 'user', content: prompted };
    return systemMessage ? [systemMessage, user] : [user];
  }
  if (Array.isArray(prompted) && prompted.every(isMessage)) {
    return systemMessage ? [systemMessage, ...prompted] : [...prompted];
  }
  throw new DefinitionError(
    'definition.invalid_option',
    `The effect's prompt returned ${describeValue(prompted)} for its input; a prompt returns the user message's text, or a list of messages such as [{ role: 'user', content: '…' }]. Check that every path of the prompt function (or a definePrompt's render) returns one.`,
  );
}

const roles = new Set(['system', 'user', 'assistant', 'tool']);

function isMessage(value: unknown): value is ChatMessage {
  const message = value as { role?: unknown; content?: unknown } | null;
  return (
    typeof message === 'object' &&
    message !== null &&
    roles.has(message.role as string) &&
    typeof message.content === 'string'
  );
}
