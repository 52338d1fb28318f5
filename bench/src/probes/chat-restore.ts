/**
 * @module chat-restore
 * `pnpm --filter @agentchart/bench probe:chat-restore [turns]`: a chat conversation on SQLite
 * at createAgent's defaults (its run leaves memory while it waits for the next message, so
 * every message restores it), a `toolLoop` answering each message with the whole history.
 * Prints the milliseconds per turn, averaged over each 50 turns, then what a restore of the
 * thread reads at the end: `latest()` (its checkpoint chain, rebuilt from the last full state
 * and the deltas after it) and `listEffects()` (its whole journal, each model call's record
 * holding the request it sent), each timed alone, with the journal's size in bytes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatMessage, createAgent, SqliteCheckpointer, toolLoop } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { assign, setup } from 'xstate';

const turns = Number(process.argv[2] ?? 300);

const machine = setup({
  types: {
    context: {} as { messages: ChatMessage[] },
    events: {} as { type: 'user.message'; text: string },
  },
  actors: {
    answer: toolLoop({ model: 'chat', tools: [], prompt: (messages: ChatMessage[]) => messages }),
  },
}).createMachine({
  id: 'chat',
  context: { messages: [] },
  initial: 'idle',
  states: {
    idle: {
      on: {
        'user.message': {
          target: 'answering',
          actions: assign({
            messages: ({ context, event }) => [
              ...context.messages,
              { role: 'user', content: event.text },
            ],
          }),
        },
      },
    },
    answering: {
      invoke: {
        src: 'answer',
        input: ({ context }) => context.messages,
        onDone: {
          target: 'idle',
          actions: assign({
            messages: ({ context, event }) => [
              ...context.messages,
              { role: 'assistant', content: event.output.content },
            ],
          }),
        },
      },
    },
  },
});

const dir = mkdtempSync(join(tmpdir(), 'agentchart-chat-restore-'));
try {
  const checkpointer = new SqliteCheckpointer({ path: join(dir, 'runs.db') });
  const model = scriptedModel({
    handler: (_request, index) => `answer ${index}: ${'words '.repeat(60)}`,
    metadata: {
      contextWindow: 1_000_000,
      pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
    },
  });
  const agent = createAgent({ machine, models: { chat: model }, checkpointer });
  await agent.run({ threadId: 'chat', input: undefined });
  const perTurn: string[] = [];
  let since = performance.now();
  for (let turn = 1; turn <= turns; turn++) {
    const text = `question ${turn}: ${'more '.repeat(40)}`;
    await (await agent.send('chat', { type: 'user.message', text })).result();
    if (turn % 50 === 0) {
      perTurn.push(((performance.now() - since) / 50).toFixed(1));
      since = performance.now();
    }
  }
  await agent.close();
  const timed = async (read: () => Promise<unknown>) => {
    const start = performance.now();
    let reps = 0;
    while (performance.now() - start < 2_000) {
      await read();
      reps++;
    }
    return ((performance.now() - start) / reps).toFixed(2);
  };
  const journal = await checkpointer.listEffects('chat');
  console.log(`ms per turn, each 50 turns: ${perTurn.join(' ')}`);
  console.log(`latest(): ${await timed(() => checkpointer.latest('chat'))} ms`);
  console.log(
    `listEffects(): ${await timed(() => checkpointer.listEffects('chat'))} ms (${journal.length} records, ${JSON.stringify(journal).length} bytes)`,
  );
  checkpointer.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
