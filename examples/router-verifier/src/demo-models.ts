import type { ChatModel, ChatRequest } from '@agentchart/core';
import { type ScriptedResponse, scriptedModel } from '@agentchart/core/testing';
import { solve } from './solve';

/** gpt-4o-mini's and gpt-4o's list prices, so the demo's costs compare as real ones would. */
const prices = {
  cheap: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  strong: { inputPerMillion: 2.5, outputPerMillion: 10 },
};

/**
 * The example's offline models, answering from the request. Both route and verify well; as
 * generators the strong one gets every question right, the cheap one drops a question's
 * last step (the rounding, the VAT) — which its verifier then catches.
 */
export function demoModels({ latencyMs = 0 }: { latencyMs?: number } = {}): {
  cheap: ChatModel;
  strong: ChatModel;
} {
  const model = (kind: 'cheap' | 'strong') =>
    scriptedModel({
      modelName: `demo-${kind}`,
      latencyMs: kind === 'strong' ? latencyMs * 3 : latencyMs,
      metadata: { contextWindow: 128_000, pricing: prices[kind] },
      handler: (request) => demoAnswer(request, kind),
    });
  return { cheap: model('cheap'), strong: model('strong') };
}

/** How the cheap or the strong demo model answers one request. */
export function demoAnswer(request: ChatRequest, kind: 'cheap' | 'strong'): ScriptedResponse {
  const text = request.messages.map((message) => message.content).join('\n');
  const question = /Question: (.*)/.exec(text)?.[1] ?? '';
  const format = request.responseFormat?.type === 'json_schema' ? request.responseFormat.name : '';
  if (format === 'route') {
    return { json: { route: /discount|VAT/.test(question) ? 'careful' : 'quick' } };
  }
  const right = solve(question);
  if (format === 'verdict') {
    const proposed = /Proposed answer: (.*)/.exec(text)?.[1];
    const total = proposed ? (JSON.parse(proposed) as { total?: number }).total : undefined;
    const pass = right !== undefined && total !== undefined && Math.abs(total - right) < 0.005;
    return {
      json: {
        pass,
        issues: pass
          ? []
          : [`The total ${total} does not follow from the question; redo every step.`],
      },
    };
  }
  const total = solve(question, { sloppy: kind === 'cheap' }) ?? 0;
  return {
    json: {
      total,
      working:
        kind === 'strong'
          ? `Worked through each step of "${question}", carrying two decimals: ${total}.`
          : `= ${total}`,
    },
  };
}
