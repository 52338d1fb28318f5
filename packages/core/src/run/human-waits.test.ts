import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { humanWait } from '../effects/human-wait';
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

  it('refuses a reply without a waitId while two waits are pending, with its own code, naming them', async () => {
    const ask = humanWait({ prompt: (side: string) => `Approve ${side}?`, reply: z.boolean() });
    const machine = setup({ actors: { ask } }).createMachine({
      id: 'both',
      type: 'parallel',
      states: {
        legal: {
          initial: 'asking',
          states: {
            asking: { invoke: { src: 'ask', input: 'legal', onDone: 'answered' } },
            answered: { type: 'final' },
          },
        },
        finance: {
          initial: 'asking',
          states: {
            asking: { invoke: { src: 'ask', input: 'finance', onDone: 'answered' } },
            answered: { type: 'final' },
          },
        },
      },
    });
    for (const evictWaiting of [true, false]) {
      const agent = createAgent({ machine, evictWaiting });
      const handle = agent.start({ threadId: 'b', input: {} });
      const rest = await handle.result();
      const waitIds = rest.status === 'waiting' ? rest.waits.map((wait) => wait.waitId) : [];
      expect(waitIds).toHaveLength(2);
      // Before: `run.not_waiting`, the code of a reply sent twice, though nothing was answered.
      const ambiguous = {
        code: 'human.ambiguous_reply',
        message: expect.stringContaining(waitIds[1]!),
        details: { waitIds },
      };
      await expect(agent.send('b', { type: 'human.reply', value: true })).rejects.toMatchObject(
        ambiguous,
      );
      if (evictWaiting) {
        handle.reply(true);
        await expect(handle.result()).rejects.toMatchObject(ambiguous);
      } else {
        expect(() => handle.reply(true)).toThrow(expect.objectContaining(ambiguous));
      }
      // Nothing was answered: each wait still takes its own reply.
      handle.reply(true, waitIds[0]);
      handle.reply(false, waitIds[1]);
      expect((await handle.result()).status).toBe('done');
      await agent.close();
    }
  });
});
