import { scriptedModel } from '@agentchart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { notesAgent } from './agent';
import { notesServer } from './notes-server-command';

describe('notes agent (MCP guide)', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  it('answers from what the MCP server found', async () => {
    const model = scriptedModel({
      responses: [
        { toolCalls: [{ name: 'search_notes', arguments: { query: 'berlin fridays' } }] },
        'The Berlin office closes at 18:00 on Fridays.',
      ],
    });
    const { agent, notes } = await notesAgent(model, notesServer);
    close = () => notes.close();
    expect(notes.tools.map((tool) => [tool.name, tool.effect])).toEqual([
      ['search_notes', 'pure'],
      ['add_note', 'unsafe'],
    ]);
    const outcome = await agent.run({ input: { question: 'When does Berlin close on Friday?' } });
    expect(outcome).toMatchObject({
      status: 'done',
      output: { answer: 'The Berlin office closes at 18:00 on Fridays.' },
    });
    // The model reads the tool's output fenced as untrusted data: the lines between the fences.
    const found = model.requests[1]!.messages.at(-1)!.content.split('\n').slice(1, -1).join('\n');
    expect(JSON.parse(found)).toEqual({
      content: [{ type: 'text', text: 'The Berlin office closes at 18:00 on Fridays.' }],
    });
  });

  it('tells the model when the server is gone, so it can say so', async () => {
    const model = scriptedModel({
      responses: [
        { toolCalls: [{ name: 'add_note', arguments: { text: 'Lunch at noon.' } }] },
        (request) => `Could not save: ${request.messages.at(-1)?.content}`,
      ],
    });
    const { agent, notes } = await notesAgent(model, notesServer);
    await notes.close();
    const outcome = await agent.run({ input: { question: 'Note: lunch at noon.' } });
    expect(outcome).toMatchObject({
      status: 'done',
      output: {
        answer: expect.stringContaining('was called after the connection was closed'),
      },
    });
  });
});
