import type { ChatRequest } from '@agentchart/core';
import { type ScriptedModel, type ScriptedResponse, scriptedModel } from '@agentchart/core/testing';
import { type Category, categories } from './schemas';

/**
 * The example's offline model: it answers from the request, as a small real model would. It
 * sorts a ticket by the queue guide it finds in the system prompt — `- billing: charge,
 * invoice, …` — counting the guide's words in the ticket; with no guide it knows only the
 * queues' names. So a prompt that drops the guide triages worse, and the evals show it.
 * A ticket that mentions a lawyer is refused, as providers' safety filters do.
 */
export function demoModel({
  name = 'demo-triage',
  latencyMs = 0,
}: {
  name?: string;
  latencyMs?: number;
} = {}): ScriptedModel {
  return scriptedModel({
    modelName: name,
    latencyMs,
    handler: triageAnswer,
    metadata: {
      contextWindow: 16_384,
      pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
    },
  });
}

/** The demo model's answer to one request. */
export function triageAnswer(request: ChatRequest): ScriptedResponse {
  const system = request.messages.find((message) => message.role === 'system')?.content ?? '';
  const ticket = request.messages
    .filter((message) => message.role === 'user')
    .map((message) => message.content)
    .join('\n');
  if (/\blawyer\b/i.test(ticket)) {
    return { refusal: 'I cannot assess legal threats.', finishReason: 'refusal' };
  }
  const guide = guideOf(system);
  const text = ticket.toLowerCase();
  const hits = categories
    .map((category) => ({
      category,
      hits: (guide.get(category) ?? [category]).filter((word) => text.includes(word)).length,
    }))
    .sort((a, b) => b.hits - a.hits);
  const [first, second] = hits;
  const category: Category = first && first.hits > 0 ? first.category : 'other';
  const top = first?.hits ?? 0;
  const runnerUp = second?.hits ?? 0;
  // Sure when one queue's words dominate; unsure when two queues compete or nothing matched.
  const confidence =
    top === 0
      ? 0.6
      : runnerUp === 0
        ? Math.min(0.97, 0.86 + 0.04 * top)
        : 0.5 + (0.3 * (top - runnerUp)) / top;
  const priority = /urgent|cannot|can't|twice|down/i.test(ticket)
    ? 'high'
    : /question|how do|wondering/i.test(ticket)
      ? 'low'
      : 'normal';
  const subject = /Subject: (.*)/.exec(ticket)?.[1] ?? 'a ticket';
  return {
    json: {
      category,
      priority,
      confidence: Math.round(confidence * 100) / 100,
      summary: subject,
    },
  };
}

/** The queue guide of a system prompt: `- queue: word, word` lines. */
function guideOf(system: string): Map<Category, string[]> {
  const guide = new Map<Category, string[]>();
  for (const [, queue, words] of system.matchAll(/^- (\w+): (.+)$/gm)) {
    if (!(categories as readonly string[]).includes(queue ?? '')) continue;
    guide.set(
      queue as Category,
      (words ?? '')
        .split(',')
        .map((word) => word.trim().toLowerCase())
        .filter((word) => word && word !== 'anything else'),
    );
  }
  return guide;
}
