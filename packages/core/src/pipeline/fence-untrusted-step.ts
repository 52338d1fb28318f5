import type { ChatMessage } from '../model/types';
import type { Redactor } from '../security/create-redactor';
import { fenceUntrusted, untrustedContentNote } from '../security/fence-untrusted';
import type { ModelCallMiddleware } from './types';

/**
 * The fenced form of each message, made once: a tool loop sends the same message objects on
 * every step, and the journal's request hash is memoised per message object too.
 */
const fencedMessages = new WeakMap<ChatMessage, ChatMessage>();

function fenced(
  message: ChatMessage,
  trusted: ReadonlySet<string>,
  redactor: Redactor,
): ChatMessage | undefined {
  if (message.role === 'tool') {
    if (trusted.has(message.name)) return undefined;
  } else if (message.role !== 'user' || !message.untrusted) {
    return undefined;
  }
  let result = fencedMessages.get(message);
  if (!result) {
    const source = message.role === 'tool' ? `tool "${message.name}"` : 'user-supplied content';
    // The id comes from the stored (redacted) text: a replay rebuilds this message from
    // storage and must fence it the same way.
    const content = fenceUntrusted(message.content, source, redactor.text(message.content));
    result = { ...message, content };
    fencedMessages.set(message, result);
  }
  return result;
}

/**
 * Tool output is data: every tool result (but those of tools with `trustedOutput`) and every
 * `untrusted` user message reaches the model between fence lines, and the system prompt
 * tells the model what the fences mean. The first step of the pipeline, so the context
 * budget counts the request as it is sent.
 */
export function fenceUntrustedStep({ redactor }: { redactor: Redactor }): ModelCallMiddleware {
  return {
    name: 'fence-untrusted',
    call(call, next) {
      const { request, settings } = call;
      const trusted = new Set(settings.trustedTools ?? []);
      let changed = false;
      const messages = request.messages.map((message) => {
        const result = fenced(message, trusted, redactor);
        if (!result) return message;
        changed = true;
        return result;
      });
      if (!changed) return next(call);
      const [first, ...rest] = messages;
      const withNote: ChatMessage[] =
        first?.role === 'system'
          ? [{ role: 'system', content: `${first.content}\n\n${untrustedContentNote}` }, ...rest]
          : [{ role: 'system', content: untrustedContentNote }, ...messages];
      return next({ ...call, request: { ...request, messages: withNote } });
    },
  };
}
