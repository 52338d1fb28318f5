import { describe, expect, it } from 'vitest';
import type { ChatRequest, ChatResponse } from '../model/types';
import { answerConfidence } from './answer-confidence';

const structured: ChatRequest = {
  messages: [{ role: 'user', content: 'Relevant?' }],
  responseFormat: { type: 'json_schema', name: 'output', schema: {} },
};
const answer = (content: string): ChatResponse => ({
  content,
  toolCalls: [],
  usage: { inputTokens: 1, outputTokens: 1 },
  finishReason: 'stop',
});

describe('answerConfidence', () => {
  it('reads a top-level numeric confidence from a structured answer, even a fenced one', () => {
    expect(answerConfidence(structured, answer('{"relevant":true,"confidence":0.82}'))).toBe(0.82);
    expect(answerConfidence(structured, answer('Sure:\n```json\n{"confidence": 1}\n```'))).toBe(1);
  });

  it('finds none in a text answer, an answer that is not JSON, or one without a number there', () => {
    const text: ChatRequest = { messages: structured.messages };
    expect(answerConfidence(text, answer('{"confidence":0.5}'))).toBeUndefined();
    expect(answerConfidence(structured, answer('no idea'))).toBeUndefined();
    expect(answerConfidence(structured, answer('{"confidence":"high"}'))).toBeUndefined();
    expect(answerConfidence(structured, answer('[{"confidence":0.5}]'))).toBeUndefined();
    expect(answerConfidence(structured, answer('{"rating":{"confidence":0.5}}'))).toBeUndefined();
  });
});
