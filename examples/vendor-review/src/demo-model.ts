import type { ChatRequest } from '@agentchart/core';
import { type ScriptedModel, type ScriptedResponse, scriptedModel } from '@agentchart/core/testing';

/**
 * The example's offline model: it answers each of the three charts from its request, as a
 * small real model would — the researcher with a registry lookup and then a summary of it,
 * the risk officer by the amount (10 000 EUR and more is high), the lead with a memo.
 */
export function demoModel({ latencyMs = 0 }: { latencyMs?: number } = {}): ScriptedModel {
  return scriptedModel({
    modelName: 'demo-vendors',
    latencyMs,
    handler: vendorAnswer,
    metadata: { contextWindow: 16_384, pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 } },
  });
}

/** The demo model's answer to one request. */
export function vendorAnswer(request: ChatRequest): ScriptedResponse {
  const text = request.messages.map((message) => message.content).join('\n');
  const research = /Research the vendor "([^"]+)"/.exec(text);
  if (research) {
    const found = request.messages.filter((message) => message.role === 'tool');
    if (found.length === 0) {
      return { toolCalls: [{ name: 'registry_lookup', arguments: { name: research[1] } }] };
    }
    return { content: `Registry: ${found.map((message) => message.content).join(' ')}` };
  }
  const payment = /Rate the risk of paying (\d+) EUR to the vendor "([^"]+)"/.exec(text);
  if (payment) {
    const high = Number(payment[1]) >= 10_000;
    return {
      json: {
        risk: high ? 'high' : 'low',
        reason: high ? 'a large first payment' : 'a small payment',
      },
    };
  }
  const approved = /Risk approved: true/.test(text);
  const overdue = /overdue|not in the registry/.test(text);
  return {
    json:
      approved && !overdue
        ? { decision: 'pay', memo: 'Registered, filings in order, risk cleared.' }
        : {
            decision: 'reject',
            memo: approved ? 'Filings are not in order.' : 'The risk was not approved.',
          },
  };
}
