import type { ChatMessage } from '@agentchart/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openAIChatModel } from '../openai/openai-chat-model';
import { createOpenAITestServer } from '../testing/openai-test-server';
import { replies } from '../testing/replies';
import { wellFormedText } from './to-langchain-messages';

const server = createOpenAITestServer({ apiKey: 'sk-test' });

beforeAll(async () => {
  await server.start();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

/** A JSON escape of half a surrogate pair not followed or preceded by its other half. */
const escapedLoneSurrogate =
  /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i;

describe('messages sent to an OpenAI-compatible server', () => {
  it('carry no half of an emoji: a lone surrogate goes as U+FFFD, never as an escape strict providers refuse', async () => {
    server.enqueue(replies.text('ok'));
    const model = openAIChatModel({
      model: 'gpt-4o-mini',
      apiKey: 'sk-test',
      baseURL: server.baseURL,
    });
    const cut = 'price: 12 👍'.slice(0, -1); // cut inside the emoji, as a byte cap would
    const messages: ChatMessage[] = [
      { role: 'user', content: `look this up ${cut}` },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'c1', name: 'lookup', arguments: `{"q":"${cut}"}` }],
      },
      { role: 'tool', toolCallId: 'c1', name: 'lookup', content: `found ${cut}` },
    ];
    await model.generate({ messages }, { signal: new AbortController().signal });
    const raw = server.requests[0]!.rawBody;
    // Before: "\ud83d" went out three times, and a strict provider answered 400 to every
    // later call of the thread.
    expect(raw).not.toMatch(escapedLoneSurrogate);
    expect(raw).toContain('price: 12 \uFFFD');
  });

  it('leaves whole characters and pairs as they are', () => {
    const text = 'a 👍 b 日本 c';
    expect(wellFormedText(text)).toBe(text);
    expect(wellFormedText('\uDC00x\uD83D')).toBe('\uFFFDx\uFFFD');
  });
});
