import { scriptedModel } from '@agentchart/core/testing';
import { notesAgent } from './agent';
import { notesServer } from './notes-server-command';

// Offline: a scripted model that searches once, then answers from what it found.
// With OPENAI_API_KEY set: openAIChatModel({ model: 'gpt-4o-mini' }).
const model = process.env.OPENAI_API_KEY
  ? (await import('@agentchart/openai')).openAIChatModel({ model: 'gpt-4o-mini' })
  : scriptedModel({
      responses: [
        { toolCalls: [{ name: 'search_notes', arguments: { query: 'refunds' } }] },
        (request) => `From the notes: ${foundText(request.messages.at(-1)?.content ?? '')}`,
      ],
    });

/**
 * The text an MCP tool result holds, as the offline model reads it: agentchart hands tool
 * output to the model fenced as untrusted data, the result's JSON on the lines between.
 */
function foundText(fenced: string): string {
  const json = fenced.split('\n').slice(1, -1).join('\n');
  const result = JSON.parse(json) as { content: { type: string; text?: string }[] };
  return result.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join(' ');
}

const { agent, notes } = await notesAgent(model, notesServer);
try {
  const outcome = await agent.run({ input: { question: 'How fast are refunds paid?' } });
  if (outcome.status === 'done') console.log(outcome.output.answer ?? outcome.output.error);
  else console.log(outcome.status, outcome);
} finally {
  await notes.close();
}
