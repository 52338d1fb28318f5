import { describe, expect, it } from 'vitest';
import { scriptedModel } from './scripted-model';

const request = { messages: [{ role: 'user' as const, content: 'hi' }] };
const call = { signal: new AbortController().signal };

describe('scriptedModel', () => {
  it('refuses responses that are not a list and a handler that is not a function', () => {
    // Before: responses.forEach is not a function.
    expect(() => scriptedModel({ responses: 5 as never })).toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringMatching(/^scriptedModel: responses is the number 5\. Give a list/),
      }),
    );
    expect(() => scriptedModel({ handler: 'hi' as never })).toThrow(/handler is the string "hi"/);
  });

  it('has no metadata when given metadata: null, like a model whose window is unknown', () => {
    expect(scriptedModel().metadata?.contextWindow).toBe(128_000);
    expect(scriptedModel({ metadata: null }).metadata).toBeUndefined();
  });

  it('takes metadata: undefined for the default, as the option left out', () => {
    // Before: `'metadata' in options` made an explicit undefined mean "no metadata", so
    // `metadata: process.env.X ? {…} : undefined` dropped the window and price.
    expect(scriptedModel({ metadata: undefined }).metadata).toEqual(scriptedModel().metadata);
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

  it('says so when a handler returns no answer, as one missing its return does (handler returns nothing)', async () => {
    for (const [answer, shown] of [
      [undefined, 'undefined'],
      [null, 'null'],
      [42, 'the number 42'],
    ] as const) {
      const model = scriptedModel({ modelName: 'fast', handler: () => answer as never });
      await expect(model.generate(request, call)).rejects.toMatchObject({
        code: 'definition.invalid_option',
        message: `scriptedModel "fast": answer 1 is ${shown}. A handler or a responses entry returns a string or an object such as { json: … }, { content: '…' }, { toolCalls: […] } or { error }; did the handler miss a return?`,
      });
    }
  });

  it('fails a call past its answers as a model error of its own, naming the request', async () => {
    // Before: a plain Error, which the pipeline wrapped as "an error that is not a
    // ModelCallError … make the adapter throw ModelCallError with a kind": advice for an
    // adapter's author, not for a test that scripted too few answers.
    const model = scriptedModel({ modelName: 'fast', responses: ['one'] });
    await model.generate(request, call);
    const unexpected = { messages: [{ role: 'user' as const, content: 'Classify: lost parcel' }] };
    await expect(model.generate(unexpected, call)).rejects.toMatchObject({
      code: 'model.unknown',
      endpoint: 'scripted:fast',
      message:
        'scriptedModel "fast" received call 2 but has only 1 scripted response (the call\'s last message: "Classify: lost parcel"). Add responses or use a handler.',
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
