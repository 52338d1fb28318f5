import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ModelCallError } from '../model/model-call-error';
import type { ChatResponse } from '../model/types';
import { parseStructuredOutput } from './parse-structured-output';
import { runCascade } from './run-cascade';

const schema = z.object({ label: z.string(), confidence: z.number().min(0).max(1) });
const reply = (value: unknown): ChatResponse => ({
  content: typeof value === 'string' ? value : JSON.stringify(value),
  toolCalls: [],
  usage: { inputTokens: 1, outputTokens: 1 },
  finishReason: 'stop',
});

function cascade(answers: Record<string, unknown>) {
  const called: string[] = [];
  const run = () =>
    runCascade({
      models: ['small', 'strong'],
      call: async (model) => {
        called.push(model);
        return reply(answers[model]);
      },
      parse: (response) => parseStructuredOutput(response, schema),
      escalateWhen: (output) =>
        output.confidence < 0.7 ? `confidence ${output.confidence} < 0.7` : false,
    });
  return { run, called };
}

describe('runCascade', () => {
  it("keeps the small model's confident answer and never calls the strong one", async () => {
    const { run, called } = cascade({ small: { label: 'a', confidence: 0.9 } });
    expect(await run()).toEqual({
      output: { label: 'a', confidence: 0.9 },
      model: 'small',
      tier: 0,
      escalations: [],
    });
    expect(called).toEqual(['small']);
  });

  it("escalates on low confidence and keeps the strong model's answer", async () => {
    const { run, called } = cascade({
      small: { label: 'a', confidence: 0.4 },
      strong: { label: 'b', confidence: 0.5 },
    });
    const result = await run();
    expect(result).toMatchObject({ output: { label: 'b' }, model: 'strong', tier: 1 });
    expect(result.escalations).toEqual([
      { from: 'small', to: 'strong', reason: 'low_confidence', detail: 'confidence 0.4 < 0.7' },
    ]);
    expect(called).toEqual(['small', 'strong']);
  });

  it('escalates on output that fails validation', async () => {
    const { run } = cascade({ small: 'not json at all', strong: { label: 'b', confidence: 0.95 } });
    const result = await run();
    expect(result.escalations[0]).toMatchObject({ reason: 'invalid_output', from: 'small' });
    expect(result.model).toBe('strong');
  });

  it('fails with output.invalid and every escalation when the last model is invalid too', async () => {
    const { run } = cascade({ small: { label: 1 }, strong: { label: 'x', confidence: 7 } });
    await expect(run()).rejects.toMatchObject({
      code: 'output.invalid',
      message: /Every model of the cascade \(small → strong\)/,
      details: { escalations: [expect.objectContaining({ reason: 'invalid_output' })] },
    });
  });

  it("fails with the last model's own failure: a refusal as output.refused, a filtered answer as output.filtered (issue 9)", async () => {
    for (const [finish, code] of [
      ['refusal', 'output.refused'],
      ['content_filter', 'output.filtered'],
      ['length', 'output.truncated'],
    ] as const) {
      const answers: Record<string, ChatResponse> = {
        small: reply({ label: 1 }),
        strong: { ...reply('I cannot help with that.'), finishReason: finish },
      };
      const failure = runCascade({
        models: ['small', 'strong'],
        call: async (model) => answers[model]!,
        parse: (response) => parseStructuredOutput(response, schema),
      });
      await expect(failure).rejects.toMatchObject({
        code,
        details: { escalations: [expect.objectContaining({ reason: 'invalid_output' })] },
      });
    }
  });

  it('escalates when the cheaper model says the request exceeds its context window, and only then', async () => {
    const failing = (error: Error) => {
      const called: string[] = [];
      const run = () =>
        runCascade({
          models: ['small', 'strong'],
          call: async (model) => {
            called.push(model);
            if (model === 'small') throw error;
            return reply({ label: 'b', confidence: 0.9 });
          },
          parse: (response) => parseStructuredOutput(response, schema),
        });
      return { run, called };
    };
    const tooLong = failing(
      new ModelCallError({ kind: 'context_length', message: 'maximum context length is 4096' }),
    );
    expect(await tooLong.run()).toMatchObject({
      model: 'strong',
      escalations: [
        {
          from: 'small',
          to: 'strong',
          reason: 'context_too_large',
          detail: 'maximum context length is 4096',
        },
      ],
    });
    expect(tooLong.called).toEqual(['small', 'strong']);
    // A bad key or an outage is not paid for with the next tier.
    const badKey = failing(new ModelCallError({ kind: 'authentication', message: 'bad key' }));
    await expect(badKey.run()).rejects.toMatchObject({ code: 'model.authentication' });
    expect(badKey.called).toEqual(['small']);
  });

  it("fails with the last model's own error when the request is too large for it too", async () => {
    await expect(
      runCascade({
        models: ['small', 'strong'],
        call: async () => {
          throw new ModelCallError({ kind: 'context_length', message: 'too long' });
        },
        parse: (response) => parseStructuredOutput(response, schema),
      }),
    ).rejects.toMatchObject({ code: 'model.context_length' });
  });
});
