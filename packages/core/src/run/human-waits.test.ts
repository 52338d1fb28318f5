import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { toolLoop } from '../effects/tool-loop';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';

/** A loop whose one tool needs an approval every time: it rests waiting on it. */
function approvalAgent() {
  const mail = defineTool({
    name: 'send_mail',
    description: 'Sends a mail.',
    input: z.object({ to: z.string() }),
    output: z.object({ sent: z.boolean() }),
    effect: 'unsafe',
    approval: 'always',
    execute: async () => ({ sent: true }),
  });
  const machine = setup({
    actors: { work: toolLoop({ model: 'fast', tools: [mail], prompt: (text: string) => text }) },
  }).createMachine({
    id: 'mailer',
    initial: 'working',
    states: {
      working: { invoke: { src: 'work', input: 'Mail x.', onDone: 'sent' } },
      sent: { type: 'final' },
    },
  });
  const model = scriptedModel({
    responses: [
      { toolCalls: [{ name: 'send_mail', arguments: { to: 'x@example.com' } }] },
      'Sent.',
    ],
  });
  const agent = createAgent({
    machine,
    models: { fast: model },
    checkpointer: new MemoryCheckpointer(),
    evictWaiting: true,
  });
  const rests: string[] = [];
  agent.events.on('run.waiting', (event) => rests.push(event.threadId));
  return { agent, rests };
}

describe('HumanWaits', () => {
  it('gives a reply to a restored run as its tool loop reopens the approval, with no rest between', async () => {
    const { agent, rests } = approvalAgent();
    expect((await agent.start({ threadId: 'm', input: undefined }).result()).status).toBe(
      'waiting',
    );
    expect(rests).toEqual(['m']);
    const handle = await agent.send('m', { type: 'human.reply', value: { approved: true } });
    expect((await handle.result()).status).toBe('done');
    expect(rests).toEqual(['m']);
  });

  it('refuses a reply the reopened approval does not accept, and the thread still waits', async () => {
    const { agent } = approvalAgent();
    await agent.start({ threadId: 'm', input: undefined }).result();
    await expect(
      agent.send('m', { type: 'human.reply', value: { approved: 'yes' } }),
    ).rejects.toMatchObject({ code: 'human.invalid_reply' });
    const handle = await agent.send('m', { type: 'human.reply', value: { approved: true } });
    expect((await handle.result()).status).toBe('done');
  });
});
