import type { ChatMessage } from '../model/types';
import { maxRecordedMessageCharacters } from '../pipeline/record-request';
import { isRecordedRequest, recordedMessagesOf } from './recorded-messages';
import type { JournalEntry } from './types';

/** How much of a message's content a difference quotes: before the first change, and in all. */
const quotedBefore = 20;
const quotedCharacters = 60;

/**
 * How the model request a replay makes now differs from the recorded one, in words: the first
 * message that differs (its place, its role, both contents quoted), a message added or gone,
 * the tools offered, or — when the messages and the tools' names are the recorded ones — a
 * setting. `now` and `recorded` are the journal's records of the two requests (`meta.request`
 * of their model-call entries): each keeps only what it adds to the call before it, which
 * `recordedEntry` finds in the recording. Undefined when a request cannot be rebuilt (a
 * journal written before requests were recorded): the caller then says only that it differs.
 */
export function requestDifference(
  now: unknown,
  recorded: unknown,
  recordedEntry: (key: string) => JournalEntry | undefined,
): string | undefined {
  if (!isRecordedRequest(now) || !isRecordedRequest(recorded)) return undefined;
  const sent = recordedMessagesOf(now, recordedEntry);
  const before = recordedMessagesOf(recorded, recordedEntry);
  if (!sent || !before) return undefined;
  const shared = Math.min(sent.length, before.length);
  for (let index = 0; index < shared; index++) {
    const message = sent[index]!;
    const was = before[index]!;
    if (JSON.stringify(message) === JSON.stringify(was)) continue;
    const place = `message ${index + 1} of ${sent.length} (${message.role})`;
    if (message.role !== was.role) return `${place} was a ${was.role} message in the recording`;
    if (message.content !== was.content) {
      const at = firstDifference(was.content, message.content);
      return `${place} differs from character ${at + 1}: recorded ${excerpt(was.content, at)}, now ${excerpt(message.content, at)}`;
    }
    return `${place} has the recorded content but differs in its other fields (${otherFields(message, was)})`;
  }
  if (sent.length !== before.length) {
    const longer = sent.length > before.length ? sent : before;
    const extra = longer[shared]!;
    const change = sent.length > before.length ? 'is new' : 'is gone';
    return `the request has ${messages(sent.length)}, the recorded one ${before.length}: message ${shared + 1} (${extra.role}) ${change}, ${excerpt(extra.content, 0)}`;
  }
  const tools = (now.tools ?? []).join(', ');
  const recordedTools = (recorded.tools ?? []).join(', ');
  if (tools !== recordedTools) {
    return `the tools offered differ: recorded [${recordedTools}], now [${tools}]`;
  }
  // The journal keeps a long message cut: two that part past the cut read the same here.
  const cut = sent.findIndex((message) => wasCut(message.content));
  if (cut >= 0) {
    return `its messages and the names of the tools it offers are the recorded ones as far as the journal keeps them, but message ${cut + 1} of ${sent.length} (${sent[cut]!.role}) is longer than the ${maxRecordedMessageCharacters} characters kept of it: it may differ past them, or a setting differs (the model's parameters, the response format, or a tool's description or schema)`;
  }
  return "its messages and the names of the tools it offers are the recorded ones, so a setting differs: the model's parameters, the response format, or a tool's description or schema";
}

/** The fields other than role and content that differ between two messages, by name. */
function otherFields(message: ChatMessage, was: ChatMessage): string {
  const keys = new Set([...Object.keys(message), ...Object.keys(was)]);
  const differing = [...keys].filter(
    (key) =>
      key !== 'role' &&
      key !== 'content' &&
      JSON.stringify((message as Record<string, unknown>)[key]) !==
        JSON.stringify((was as Record<string, unknown>)[key]),
  );
  return differing.join(', ');
}

/** True for a content the journal cut (see `recordRequest`). */
function wasCut(content: string): boolean {
  return (
    content.length > maxRecordedMessageCharacters &&
    /… \[\d+ more characters not journaled\]$/.test(content)
  );
}

function messages(count: number): string {
  return count === 1 ? '1 message' : `${count} messages`;
}

/** Where two texts first differ (the shorter one's length when one begins the other). */
function firstDifference(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  let index = 0;
  while (index < length && a.charCodeAt(index) === b.charCodeAt(index)) index++;
  return index;
}

/** `content` quoted from a little before `at`, cut short: where a long prompt changed. */
function excerpt(content: string, at: number): string {
  const start = Math.max(0, at - quotedBefore);
  const end = start + quotedCharacters;
  const quoted = JSON.stringify(content.slice(start, end));
  return `${start > 0 ? '…' : ''}${quoted}${end < content.length ? '…' : ''}`;
}
