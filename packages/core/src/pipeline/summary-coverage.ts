import { hash } from 'node:crypto';
import type { ContextInput } from '../budget/types';
import type { ChatMessage } from '../model/types';
import type { Redactor } from '../security/create-redactor';
import type { HistorySummaryRef } from '../store/types';

/**
 * What a history summary's journal record says it stands for (`meta.summaryOf`): the run's
 * next effects start from it only when their oldest history is exactly that, and a resumed
 * call sends the summary it recorded only for the messages it recorded it for.
 */
export interface SummaryCoverage {
  /** How many of the conversation's oldest unpinned history messages the summary stands for. */
  messages: number;
  /** {@link coverageHash} of those messages. */
  hash: string;
  /**
   * The tokens the summariser was given: its answer was cut to them before it was sent.
   * Absent on a summary sent again, whose record holds the text as sent.
   */
  maxTokens?: number | undefined;
  /** Set when the summary stands for fenced content: it is sent fenced. */
  untrusted?: true | undefined;
  /** The journal key of the earlier summary this one extends or sends again. */
  from?: string | undefined;
}

/** Each message's digest, per redactor: a conversation sends the same objects turn after turn. */
const digests = new WeakMap<Redactor, WeakMap<ChatMessage, { content: string; digest: string }>>();

/**
 * A hash of `messages` as a summary's coverage is compared: each one's role, its content as
 * stored (redacted: a run restored from storage sees the redacted text) and its tool-call
 * ids. Not the objects themselves, which a restored run makes anew from its checkpoint.
 */
export function coverageHash(messages: readonly ChatMessage[], redactor: Redactor): string {
  let text = '';
  for (const message of messages) text += digestOf(message, redactor);
  return hash('sha256', text, 'hex').slice(0, 32);
}

function digestOf(message: ChatMessage, redactor: Redactor): string {
  let known = digests.get(redactor);
  if (!known) {
    known = new WeakMap();
    digests.set(redactor, known);
  }
  const found = known.get(message);
  // Compared with the content as digested: a message changed in place is digested again.
  if (found?.content === message.content) return found.digest;
  const ids =
    message.role === 'tool'
      ? message.toolCallId
      : message.role === 'assistant'
        ? (message.toolCalls?.map((call) => call.id) ?? null)
        : null;
  const digest = hash(
    'sha256',
    JSON.stringify([message.role, redactor.text(message.content), ids]),
    'base64',
  );
  known.set(message, { content: message.content, digest });
  return digest;
}

/**
 * The oldest unpinned history messages of `context` that `ref` says it stands for, when
 * they are exactly those (its count ends on a whole item, and their hash is its hash), in
 * the order `compress-history` picks them; undefined otherwise.
 */
export function coveredMessages(
  context: ContextInput,
  ref: Pick<HistorySummaryRef, 'messages' | 'hash'>,
  redactor: Redactor,
): ChatMessage[] | undefined {
  const covers: ChatMessage[] = [];
  for (const item of context.items) {
    if (covers.length >= ref.messages) break;
    if (item.section !== 'history' || item.pinned) continue;
    covers.push(...item.messages);
  }
  if (covers.length !== ref.messages) return undefined;
  return coverageHash(covers, redactor) === ref.hash ? covers : undefined;
}
