import type { JournalEntry } from '@agentchart/core';
import { visibleJson } from '@agentchart/core/security';

/**
 * What a journaled human wait asks, as a person answering it from the store reads it: a
 * `humanWait`'s prompt as it is; an approval's exact call (tool and arguments) with its
 * invisible, reordering and look-alike characters escaped, as core's approval prompt writes
 * them (`pаypal.com` with a Cyrillic `а` is not paypal.com), after the question the approval
 * asked when the developer gave one (`meta.question`): without it, the person who answers
 * later saw the arguments but never the question.
 */
export function waitPrompt(
  entry: Pick<JournalEntry, 'input' | 'meta'>,
  writeCall: (call: unknown) => string = (call) => visibleJson(call ?? ''),
): string {
  if (typeof entry.input === 'string') return entry.input;
  const call = writeCall(entry.input);
  const question = entry.meta?.question;
  return typeof question === 'string' ? `${question} ${call}` : call;
}
