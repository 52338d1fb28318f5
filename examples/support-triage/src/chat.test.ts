import { type ChatModel, type ChatResponse, createAgent, ModelCallError } from '@agentchart/core';
import { createTenantQuota } from '@agentchart/core/cost';
import { manualClock, scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { supportChatAgent, supportChatMachine, turnTimeoutMs } from './chat';

const message = (text: string) => ({ type: 'user.message', text }) as const;

/** A model that streams one token, then holds its answer until let go or aborted. */
function heldModel() {
  const held: (() => void)[] = [];
  const aborted: unknown[] = [];
  const model: ChatModel = {
    modelName: 'held',
    endpoint: 'test:held',
    metadata: { contextWindow: 32_000, pricing: { inputPerMillion: 1, outputPerMillion: 2 } },
    generate: (request, { signal, onToken }) =>
      new Promise<ChatResponse>((resolve, reject) => {
        onToken?.('Let me');
        const asked = request.messages
          .filter((entry) => entry.role === 'user')
          .map((entry) => entry.content);
        const release = () =>
          resolve({
            content: `re: ${asked.slice(-2).join(' + ')}`,
            toolCalls: [],
            usage: { inputTokens: 20, outputTokens: 5 },
            finishReason: 'stop',
          });
        held.push(release);
        signal.addEventListener('abort', () => {
          aborted.push(signal.reason);
          held.splice(held.indexOf(release), 1);
          reject(signal.reason);
        });
      }),
  };
  /** Lets the next held answer go, once one is held. */
  const answer = async () => {
    for (let turn = 0; turn < 1_000 && held.length === 0; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    held.shift()?.();
  };
  return { model, answer, aborted, held };
}

const contentsOf = async (agent: ReturnType<typeof supportChatAgent>, threadId: string) => {
  const context = (await agent.getCheckpoint(threadId))?.snapshot as {
    context: { messages: { content: string }[]; lastError?: string };
  };
  return context.context;
};

describe('the support chat', () => {
  it('answers a message sent mid-answer next, and two tabs sending at once both', async () => {
    const { model, answer } = heldModel();
    const agent = supportChatAgent({ model });
    const handle = agent.start({ threadId: 'c', input: undefined });
    await handle.result();
    await agent.send('c', message('my parcel is late'));
    // Sent while the first is answered: queued by the chart, not refused, not lost.
    await agent.send('c', message('order 1234'));
    await answer();
    await answer();
    expect(await handle.result()).toMatchObject({ status: 'waiting' });
    // Two tabs at once on an idle thread: one starts the turn, the other waits in the queue.
    await Promise.all([agent.send('c', message('tab one')), agent.send('c', message('tab two'))]);
    await answer();
    await answer();
    await handle.result();
    expect((await contentsOf(agent, 'c')).messages.map((entry) => entry.content)).toEqual([
      'my parcel is late',
      're: my parcel is late',
      'order 1234',
      're: my parcel is late + order 1234',
      'tab one',
      're: order 1234 + tab one',
      'tab two',
      're: tab one + tab two',
    ]);
    await agent.close();
  });

  it('cancels a turn mid-stream with an event, and the conversation goes on', async () => {
    const { model, answer, aborted } = heldModel();
    const agent = supportChatAgent({ model });
    const streamed: string[] = [];
    agent.events.on('llm.token', ({ delta }) => streamed.push(delta));
    const handle = agent.start({ threadId: 's', input: undefined });
    await handle.result();
    await agent.send('s', message('write me a poem'));
    for (let turn = 0; turn < 100 && streamed.length === 0; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(streamed).toEqual(['Let me']);
    // "Stop generating": the model call is aborted, the thread waits for the next message.
    await agent.send('s', { type: 'chat.cancel' });
    expect(await handle.result()).toMatchObject({ status: 'waiting' });
    expect(aborted).toHaveLength(1);
    expect((await contentsOf(agent, 's')).lastError).toBe('turn.cancelled');
    await agent.send('s', message('a short one then'));
    await answer();
    expect(await handle.result()).toMatchObject({ status: 'waiting' });
    await agent.close();
  });

  it('stops the whole thread when the request signal given to send aborts mid-turn', async () => {
    const { model } = heldModel();
    const agent = supportChatAgent({ model });
    await agent.start({ threadId: 'x', input: undefined }).result();
    const request = new AbortController();
    const handle = await agent.send('x', message('hello'), { signal: request.signal });
    // The browser went away mid-answer: the run is stopped, and the conversation with it.
    request.abort();
    expect(await handle.result()).toMatchObject({ status: 'stopped' });
    await expect(agent.send('x', message('still there?'))).rejects.toMatchObject({
      code: 'run.not_waiting',
    });
    await agent.close();
  });

  it('regenerates the last answer, and refuses to while an answer is on its way', async () => {
    const { model, answer } = heldModel();
    const agent = supportChatAgent({ model });
    const handle = agent.start({ threadId: 'r', input: undefined });
    await handle.result();
    await agent.send('r', message('hi'));
    await expect(agent.send('r', { type: 'chat.regenerate' })).rejects.toMatchObject({
      code: 'run.event_not_taken',
      details: { states: ['answering'] },
    });
    await answer();
    await handle.result();
    await agent.send('r', { type: 'chat.regenerate' });
    await answer();
    await handle.result();
    expect((await contentsOf(agent, 'r')).messages.map((entry) => entry.content)).toEqual([
      'hi',
      're: hi',
    ]);
    await agent.close();
  });

  it('retries a turn that failed with chat.regenerate, without sending the message twice', async () => {
    const refused = new ModelCallError({
      kind: 'bad_request',
      endpoint: 'scripted:scripted',
      message: 'The request was refused.',
    });
    const model = scriptedModel({ responses: [{ error: refused }, 'your parcel left today'] });
    const agent = supportChatAgent({ model });
    const handle = agent.start({ threadId: 'f', input: undefined });
    await handle.result();
    await agent.send('f', message('where is my parcel?'));
    await handle.result();
    expect((await contentsOf(agent, 'f')).lastError).toBe('model.bad_request');
    // "Try again": the turn runs once more on the message the user already sent.
    await agent.send('f', { type: 'chat.regenerate' });
    await handle.result();
    const { messages, lastError } = await contentsOf(agent, 'f');
    expect(lastError).toBeUndefined();
    expect(messages.map((entry) => entry.content)).toEqual([
      'where is my parcel?',
      'your parcel left today',
    ]);
    await agent.close();
  });

  it('edits an earlier message in a fork, leaving the conversation as it was', async () => {
    const agent = supportChatAgent({ model: scriptedModel({ handler: () => 'noted' }) });
    const handle = agent.start({ threadId: 'e', input: undefined });
    await handle.result();
    for (const text of ['one', 'two', 'three']) {
      await agent.send('e', message(text));
      await handle.result();
    }
    // "Edit" the second message: a new thread with the messages before it, then the new text.
    const fork = await agent.fork({
      from: 'e',
      threadId: 'e-edited',
      context: (context) => ({ ...context, messages: context.messages.slice(0, 2) }),
    });
    await fork.result();
    await agent.send('e-edited', message('two, edited'));
    await fork.result();
    expect((await contentsOf(agent, 'e-edited')).messages.map((entry) => entry.content)).toEqual([
      'one',
      'noted',
      'two, edited',
      'noted',
    ]);
    expect((await contentsOf(agent, 'e')).messages).toHaveLength(6);
    await agent.close();
  });

  it('holds 200 turns on a small window, within the thread limits', async () => {
    const model = scriptedModel({
      handler: (_request, index) => `answer ${index}: ${'words '.repeat(60)}`,
      metadata: { contextWindow: 4_096, pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 } },
    });
    const agent = supportChatAgent({ model });
    const handle = agent.start({ threadId: 'long', input: undefined });
    await handle.result();
    for (let turn = 0; turn < 200; turn++) {
      await agent.send('long', message(`question ${turn}: ${'more '.repeat(40)}`));
      expect(await handle.result()).toMatchObject({ status: 'waiting' });
    }
    const { messages, lastError } = await contentsOf(agent, 'long');
    expect(lastError).toBeUndefined();
    expect(messages).toHaveLength(400);
    // The budget trimmed the oldest turns: the last request kept the first message and the latest.
    const last = model.requests.at(-1)!.messages;
    expect(last.length).toBeLessThan(400);
    expect(last.at(-1)?.content).toContain('question 199');
    await agent.close();
  });

  it("fails a turn its tenant's quota refuses, and answers the next message once the quota allows it", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 5, 12));
    const quota = createTenantQuota({ limits: { requestsPerDay: 1 }, clock });
    const model = scriptedModel({ responses: ['first answer', 'next day'] });
    const agent = createAgent({
      machine: supportChatMachine,
      models: { chat: model },
      quota,
      clock,
    });
    const limits: unknown[] = [];
    agent.events.on('limit.reached', (event) => limits.push(event));
    const handle = agent.start({ threadId: 'q', input: undefined, tenantId: 'acme' });
    await handle.result();
    await agent.send('q', message('hello'));
    await handle.result();
    // Over the tenant's quota for today: the turn fails, the conversation does not end.
    await agent.send('q', message('and again'));
    expect(await handle.result()).toMatchObject({ status: 'waiting' });
    expect((await contentsOf(agent, 'q')).lastError).toBe('run.limit_reached');
    expect(limits).toMatchObject([{ limit: 'requestsPerDay', max: 1, tenantId: 'acme' }]);
    await clock.advance(86_400_000);
    await agent.send('q', message('tomorrow then'));
    expect(await handle.result()).toMatchObject({ status: 'waiting' });
    const { messages, lastError } = await contentsOf(agent, 'q');
    expect(lastError).toBeUndefined();
    expect(messages.map((entry) => entry.content)).toEqual([
      'hello',
      'first answer',
      'and again',
      'tomorrow then',
      'next day',
    ]);
    await agent.close();
  });

  it('bounds one turn by its timeout, aborting the call, and takes the next message', async () => {
    const clock = manualClock(0);
    const { model, answer, aborted } = heldModel();
    const agent = createAgent({ machine: supportChatMachine, models: { chat: model }, clock });
    const handle = agent.start({ threadId: 't', input: undefined });
    await handle.result();
    await agent.send('t', message('hello'));
    await clock.advance(turnTimeoutMs);
    expect(await handle.result()).toMatchObject({ status: 'waiting' });
    expect(aborted).toHaveLength(1);
    await agent.send('t', message('hello again'));
    await answer();
    expect(await handle.result()).toMatchObject({ status: 'waiting' });
    await agent.close();
  });

  it('refuses a message to a conversation that was closed', async () => {
    const agent = supportChatAgent({ model: scriptedModel({ handler: () => 'bye' }) });
    await agent.start({ threadId: 'done', input: undefined }).result();
    const closed = await agent.send('done', { type: 'chat.close' });
    expect(await closed.result()).toMatchObject({ status: 'done' });
    await expect(agent.send('done', message('one more thing'))).rejects.toMatchObject({
      code: 'run.not_waiting',
      message: expect.stringContaining('has ended (done)'),
    });
    await agent.close();
  });
});
