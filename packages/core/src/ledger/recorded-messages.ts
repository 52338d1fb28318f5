import type { ChatMessage } from '../model/types';
import type { RecordedRequest } from '../pipeline/record-request';
import type { JournalEntry } from './types';

/**
 * The whole list of messages `request` sent, rebuilt by following `after` back through the
 * recording; undefined when a link is missing (or loops, which a journal never does, but a
 * store written by hand may).
 */
export function recordedMessagesOf(
  request: RecordedRequest,
  recordedEntry: (key: string) => JournalEntry | undefined,
): ChatMessage[] | undefined {
  const chain = [request];
  const seen = new Set<string>();
  for (let at = request; at.after !== undefined; ) {
    if (seen.has(at.after)) return undefined;
    seen.add(at.after);
    const earlier = recordedEntry(at.after)?.meta?.request;
    if (!isRecordedRequest(earlier)) return undefined;
    chain.push(earlier);
    at = earlier;
  }
  let messages: ChatMessage[] = [];
  for (let index = chain.length - 1; index >= 0; index--) {
    const { keep = 0, messages: added } = chain[index]!;
    messages = [...messages.slice(0, keep), ...added];
  }
  return messages;
}

/** True for a model call's `meta.request` as the journal records it. */
export function isRecordedRequest(value: unknown): value is RecordedRequest {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { messages?: unknown }).messages)
  );
}

/** A thread's last recorded model request: its journal key and the whole list of its messages. */
export interface LastRecordedRequest {
  key: string;
  messages: ChatMessage[];
}

/**
 * The last model call `entries` (a thread's journal, in the order it was written) record, with
 * the messages it sent as the journal keeps them: what a restored run's next call records
 * only its additions to, as the run before the restore would have. Without it, every restore
 * started the chain again, and a chat whose run leaves memory between messages (a durable
 * store's default) journaled its whole history at every turn: 29.5 MB for 300 turns.
 */
export function lastRecordedRequest(
  entries: readonly JournalEntry[],
): LastRecordedRequest | undefined {
  for (let index = entries.length - 1; index >= 0; index--) {
    const entry = entries[index]!;
    if (entry.kind !== 'llm' || !isRecordedRequest(entry.meta?.request)) continue;
    const byKey = new Map(entries.map((item) => [item.key, item]));
    const messages = recordedMessagesOf(entry.meta.request, (key) => byKey.get(key));
    return messages && { key: entry.key, messages };
  }
  return undefined;
}
