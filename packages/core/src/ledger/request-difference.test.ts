import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../model/types';
import {
  maxRecordedMessageCharacters,
  type RecordedRequest,
  recordRequest,
} from '../pipeline/record-request';
import { requestDifference } from './request-difference';
import type { JournalEntry } from './types';

const system: ChatMessage = { role: 'system', content: 'You file invoices.' };
const ask: ChatMessage = { role: 'user', content: 'Invoice c-42' };
const lookup: ChatMessage = {
  role: 'assistant',
  content: '',
  toolCalls: [{ id: 'c1', name: 'lookup', arguments: '{"customer":"c-42"}' }],
};
const found: ChatMessage = { role: 'tool', toolCallId: 'c1', name: 'lookup', content: '{"id":7}' };

/** A recording whose first call (key "k1") sent `system` and `ask`. */
function recording(first: RecordedRequest = { messages: [system, ask], tools: ['lookup'] }) {
  const entries = new Map<string, JournalEntry>([
    ['k1', { key: 'k1', meta: { request: first } } as unknown as JournalEntry],
  ]);
  return (key: string) => entries.get(key);
}

describe('requestDifference', () => {
  it('names the first message that differs, quoted from where it changed', () => {
    const recorded: RecordedRequest = { after: 'k1', keep: 2, messages: [lookup, found] };
    const now: RecordedRequest = {
      after: 'k1',
      keep: 2,
      messages: [lookup, { ...found, content: '{"id":8}' }],
    };
    expect(requestDifference(now, recorded, recording())).toBe(
      'message 4 of 4 (tool) differs from character 7: recorded "{\\"id\\":7}", now "{\\"id\\":8}"',
    );
  });

  it('rebuilds each request from the calls before it, where they kept different numbers of messages', () => {
    // The recorded call kept both messages of the first; the one now kept only the system
    // message and sent its own question: the second message is the one that changed.
    const recorded: RecordedRequest = { after: 'k1', keep: 2, messages: [lookup] };
    const now: RecordedRequest = {
      after: 'k1',
      keep: 1,
      messages: [{ role: 'user', content: 'Invoice c-43' }, lookup],
    };
    expect(requestDifference(now, recorded, recording())).toBe(
      'message 2 of 3 (user) differs from character 12: recorded "Invoice c-42", now "Invoice c-43"',
    );
  });

  it('quotes a long content from a little before its change, cut short', () => {
    const long = `${'a'.repeat(500)}X${'b'.repeat(500)}`;
    const recorded: RecordedRequest = { messages: [{ role: 'system', content: long }] };
    const now: RecordedRequest = {
      messages: [{ role: 'system', content: long.replace('X', 'Y') }],
    };
    expect(requestDifference(now, recorded, recording())).toBe(
      `message 1 of 1 (system) differs from character 501: recorded …"${'a'.repeat(20)}X${'b'.repeat(39)}"…, now …"${'a'.repeat(20)}Y${'b'.repeat(39)}"…`,
    );
  });

  it('says which message is new or gone, a role that changed, and fields other than content', () => {
    const base: RecordedRequest = { messages: [system, ask] };
    expect(requestDifference({ messages: [system, ask, ask] }, base, recording())).toBe(
      'the request has 3 messages, the recorded one 2: message 3 (user) is new, "Invoice c-42"',
    );
    expect(requestDifference({ messages: [system] }, base, recording())).toBe(
      'the request has 1 message, the recorded one 2: message 2 (user) is gone, "Invoice c-42"',
    );
    expect(
      requestDifference({ messages: [system, { ...ask, role: 'system' }] }, base, recording()),
    ).toBe('message 2 of 2 (system) was a user message in the recording');
    expect(
      requestDifference({ messages: [system, { ...ask, untrusted: true }] }, base, recording()),
    ).toBe(
      'message 2 of 2 (user) has the recorded content but differs in its other fields (untrusted)',
    );
  });

  it('names the tools offered when only they differ, and a setting when nothing it keeps does', () => {
    const recorded: RecordedRequest = { messages: [system, ask], tools: ['lookup', 'send'] };
    expect(
      requestDifference({ messages: [system, ask], tools: ['lookup'] }, recorded, recording()),
    ).toBe('the tools offered differ: recorded [lookup, send], now [lookup]');
    expect(requestDifference({ ...recorded }, recorded, recording())).toMatch(
      /^its messages and the names of the tools it offers are the recorded ones, so a setting differs/,
    );
  });

  it('gives up (the caller says only that the request differs) when a request cannot be rebuilt', () => {
    const ok: RecordedRequest = { messages: [system, ask] };
    // A journal written before requests were recorded, a link to a call the recording lacks,
    // and a store edited by hand so that a call follows itself.
    expect(requestDifference(ok, undefined, recording())).toBeUndefined();
    expect(
      requestDifference(ok, { after: 'gone', keep: 1, messages: [] }, recording()),
    ).toBeUndefined();
    const loop = recording({ after: 'k1', keep: 1, messages: [ask] });
    expect(requestDifference(ok, { after: 'k1', keep: 1, messages: [] }, loop)).toBeUndefined();
  });
});

describe('requestDifference, a message longer than the journal keeps', () => {
  it('does not blame a setting when the requests may differ past the part of a message the journal keeps', () => {
    const long = 'x'.repeat(maxRecordedMessageCharacters + 100);
    // Two documents that part only after the first 16,000 characters: both records cut them
    // to the same text.
    const [recorded] = [
      recordRequest({ messages: [system, { role: 'user', content: `${long}a` }] }, undefined),
    ];
    const now = recordRequest(
      { messages: [system, { role: 'user', content: `${long}b` }] },
      undefined,
    );
    const how = requestDifference(now, recorded, recording());
    // Before: "its messages and the names of the tools it offers are the recorded ones, so a
    // setting differs" — which sent the reader to the model's parameters for a changed text.
    expect(how).not.toMatch(/so a setting differs/);
    expect(how).toContain('message 2');
    expect(how).toContain(`${maxRecordedMessageCharacters}`);
  });
});
