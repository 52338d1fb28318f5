import type { ChatRequest } from '@agentchart/core';
import { type ScriptedModel, type ScriptedResponse, scriptedModel } from '@agentchart/core/testing';
import { figures } from './corpus';

/**
 * The example's offline model: a small local model with a 4 096-token window, answering from
 * the request. It searches for every place the question names, all at once; then reads the
 * notes it found and looks up the figure the question asks for, in parallel; then answers
 * from the notes' text as the budget left it in the conversation, citing them.
 */
export function demoModel({ latencyMs = 0 }: { latencyMs?: number } = {}): ScriptedModel {
  return scriptedModel({
    modelName: 'demo-researcher',
    latencyMs,
    handler: researchAnswer,
    metadata: {
      contextWindow: 4_096,
      maxOutputTokens: 1_024,
      pricing: { inputPerMillion: 0.1, outputPerMillion: 0.3 },
    },
  });
}

const notWords = new Set([
  'What',
  'How',
  'Which',
  'When',
  'Where',
  'Why',
  'Did',
  'Is',
  'Are',
  'Question',
]);

/** How the demo model answers one request. */
export function researchAnswer(request: ChatRequest): ScriptedResponse {
  const question =
    /Question: (.*)/.exec(request.messages.map((message) => message.content).join('\n'))?.[1] ?? '';
  const results = request.messages.filter((message) => message.role === 'tool');
  const named = (name: string) =>
    results.filter((message) => message.role === 'tool' && message.name === name);
  if (results.length === 0) {
    const places = [...new Set(question.match(/\b[A-Z][a-z]+\b/g) ?? [])].filter(
      (word) => !notWords.has(word),
    );
    return {
      toolCalls: places.map((place) => ({ name: 'search_notes', arguments: { query: place } })),
    };
  }
  if (named('read_note').length === 0) {
    const ids = new Set<string>();
    for (const message of named('search_notes')) {
      for (const [, id] of message.content.matchAll(/"id":"(N-\d+)"/g)) if (id) ids.add(id);
    }
    const year = Number(/\b(20\d\d)\b/.exec(question)?.[1]);
    const metric = Object.keys(figures).find((name) =>
      question.toLowerCase().includes(name.split(' ')[1] ?? name),
    );
    return {
      toolCalls: [
        ...[...ids].slice(0, 4).map((id) => ({ name: 'read_note', arguments: { id } })),
        ...(metric && year ? [{ name: 'lookup_figure', arguments: { metric, year } }] : []),
      ],
    };
  }
  // A note opens and closes with its summary: the budget keeps heads and tails, so one of
  // them is there however much of the middle was cut.
  const findings = named('read_note').flatMap((message) => {
    const id = /"id":"(N-\d+)"/.exec(message.content)?.[1];
    const summary =
      /Conclusion: (.*?)"\}$/.exec(message.content)?.[1] ??
      /"text":"(.*?)\\n/.exec(message.content)?.[1];
    return id && summary ? [`${summary} [${id}]`] : [];
  });
  const facts = named('lookup_figure').flatMap((message) => {
    const found = /"metric":"([^"]+)","year":(\d+),"value":([\d.]+),"unit":"([^"]+)"/.exec(
      message.content,
    );
    return found ? [`${found[1]} in ${found[2]}: ${found[3]} ${found[4]}.`] : [];
  });
  return [...findings, ...facts].join(' ') || 'The archive has nothing on this.';
}
