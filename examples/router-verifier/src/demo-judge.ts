import type { ChatModel } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';

/**
 * The offline judge for the evals: it reads the expected and the given total from the
 * request and scores 1 when they agree to the cent, else 0 — as a careful reviewer would.
 */
export function demoJudge(): ChatModel {
  return scriptedModel({
    modelName: 'demo-judge',
    metadata: { contextWindow: 128_000, pricing: { inputPerMillion: 2.5, outputPerMillion: 10 } },
    handler: (request) => {
      const text = request.messages.at(-1)?.content ?? '';
      const expected = /Expected:\n\{"total":([\d.]+)\}/.exec(text)?.[1];
      // The output comes fenced as untrusted data: its first line is the fence's.
      const given = /Output:\n<<[^\n]*>>\n\{"total":([\d.]+)/.exec(text)?.[1];
      const right = expected !== undefined && Number(expected) === Number(given);
      return {
        json: {
          score: right ? 1 : 0,
          reason: right ? 'The total is right.' : `The total ${given} should be ${expected}.`,
        },
      };
    },
  });
}
