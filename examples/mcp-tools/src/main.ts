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
        (request) => `From the notes: ${request.messages.at(-1)?.content}`,
      ],
    });

const { agent, notes } = await notesAgent(model, notesServer);
try {
  const outcome = await agent.run({ input: { question: 'How fast are refunds paid?' } });
  console.log(outcome.status, outcome.status === 'done' ? outcome.output : outcome);
} finally {
  await notes.close();
}
