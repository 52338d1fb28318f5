import type { ChatMessage } from '../model/types';
import type { Redactor } from '../security/create-redactor';
import { fenceUntrusted, untrustedContentNote } from '../security/fence-untrusted';
import { startsWithMessages } from './starts-with-messages';
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
    // A name the model made up may hold a line break or a fence's brackets: never the start
    // line's (fenceUntrusted refuses such a source).
    const source =
      message.role === 'tool'
        ? `tool "${message.name.replace(/[\r\n<>]/g, ' ')}"`
        : 'user-supplied content';
    // The id comes from the stored (redacted) text: a replay rebuilds this message from
    // storage and must fence it the same way.
    const content = fenceUntrusted(message.content, source, redactor.text(message.content));
    result = { ...message, content };
    fencedMessages.set(message, result);
  }
  return result;
}

/** Each loop's list of trusted tools as a set, made once. */
const trustedSets = new WeakMap<readonly string[], ReadonlySet<string>>();
const noTrustedTools: ReadonlySet<string> = new Set();

function trustedSetOf(names: readonly string[] | undefined): ReadonlySet<string> {
  if (!names) return noTrustedTools;
  let set = trustedSets.get(names);
  if (!set) {
    set = new Set(names);
    trustedSets.set(names, set);
  }
  return set;
}

/** The note as a system message of its own, for requests that have none: one object. */
const noteMessage: ChatMessage = { role: 'system', content: untrustedContentNote };

/** Each system prompt with the note appended, made once per prompt message. */
const notedSystemMessages = new WeakMap<ChatMessage, ChatMessage>();

/** `messages` with the note in the system prompt, as the same objects on every step. */
function withNote(messages: readonly ChatMessage[]): ChatMessage[] {
  const first = messages[0];
  if (first?.role !== 'system') return [noteMessage].concat(messages);
  let noted = notedSystemMessages.get(first);
  if (!noted) {
    noted = { role: 'system', content: `${first.content}\n\n${untrustedContentNote}` };
    notedSystemMessages.set(first, noted);
  }
  const sent = messages.slice();
  sent[0] = noted;
  return sent;
}

/**
 * A conversation as fenced at its last call: the messages it got (a private copy) and, once
 * one of them had to be fenced, what each became, for its next call to fence only what it adds.
 */
interface FencedConversation {
  trusted: ReadonlySet<string>;
  received: ChatMessage[];
  /** Undefined while every message is sent as it is (most conversations, kept per run). */
  fenced: ChatMessage[] | undefined;
}

/**
 * Tool output is data: every tool result (but those of tools with `trustedOutput`) and every
 * `untrusted` user message reaches the model between fence lines, and the system prompt
 * tells the model what the fences mean. The first step of the pipeline, so the context
 * budget counts the request as it is sent.
 *
 * A request holding such content also marks its run (`markUntrustedSeen`): the answer may
 * carry the content's instructions on into the chart's context, and from there into a later
 * effect's prompt as plain text. With `fence: false` the content is sent as it is, and the
 * run is still marked.
 */
export function fenceUntrustedStep({
  redactor,
  fence = true,
}: {
  redactor: Redactor;
  fence?: boolean;
}): ModelCallMiddleware {
  // Each run's conversation as fenced last: a tool loop's next call sends the same messages
  // and a few more, and only those are looked at.
  const conversations = new WeakMap<object, FencedConversation>();
  return {
    name: 'fence-untrusted',
    call(call, next) {
      const { request, settings, scope } = call;
      const trusted = trustedSetOf(settings.trustedTools);
      const { messages } = request;
      let conversation = conversations.get(scope.run);
      let from: number;
      if (
        conversation?.trusted === trusted &&
        startsWithMessages(messages, conversation.received)
      ) {
        from = conversation.received.length;
        for (let index = from; index < messages.length; index++) {
          conversation.received.push(messages[index]!);
        }
      } else {
        // Copied at its length, not grown by pushes: most conversations end with this call.
        conversation = { trusted, received: messages.slice(), fenced: undefined };
        from = 0;
      }
      const { received } = conversation;
      for (let index = from; index < messages.length; index++) {
        const message = messages[index]!;
        const result = fenced(message, trusted, redactor);
        if (result) {
          // The messages before this one are sent as they are, as received.
          conversation.fenced ??= received.slice(0, index);
          conversation.fenced.push(result);
        } else {
          conversation.fenced?.push(message);
        }
      }
      conversations.set(scope.run, conversation);
      if (!conversation.fenced) return next(call);
      scope.run.markUntrustedSeen();
      if (!fence) return next(call);
      return next({
        ...call,
        request: { ...request, messages: withNote(conversation.fenced) },
      });
    },
  };
}
