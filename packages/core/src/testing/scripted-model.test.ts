import { describe, expect, it } from 'vitest';
import { scriptedModel } from './scripted-model';

const request = { messages: [{ role: 'user' as const, content: 'hi' }] };
const call = { signal: new AbortController().signal };

describe('scriptedModel', () => {
  it('has no metadata when given metadata: undefined, like a model whose window is unknown', () => {
    expect(scriptedModel().metadata?.contextWindow).toBe(128_000);
    expect(scriptedModel({ metadata: undefined }).metadata).toBeUndefined();
  });

  it('answers in order, a string as plain text', async () => {
    const model = scriptedModel({ responses: ['one', { content: 'two' }] });
    expect((await model.generate(request, call)).content).toBe('one');
    expect((await model.generate(request, call)).content).toBe('two');
  });

  it('refuses a misspelt field of a scripted answer instead of answering with empty content', () => {
    expect(() => scriptedModel({ responses: ['ok', { text: 'hello' } as never] })).toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringContaining(
          'scriptedModel "scripted", answer 2: text is not an option',
        ),
      }),
    );
  });

  it('refuses a misspelt field of an answer a handler computes, when it is given', async () => {
    const model = scriptedModel({ handler: () => ({ jsn: { team: 'billing' } }) as never });
    await expect(model.generate(request, call)).rejects.toMatchObject({
      code: 'definition.invalid_option',
      message: expect.stringContaining('jsn is not an option; did you mean json?'),
    });
  });

  it('refuses a misspelt option, naming the one meant', () => {
    expect(() => scriptedModel({ response: [{ content: 'x' }] } as never)).toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringContaining('response is not an option; did you mean responses?'),
      }),
    );
  });
});
