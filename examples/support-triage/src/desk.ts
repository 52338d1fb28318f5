/**
 * The desk, another process: `./run example:support-desk` lists the tickets waiting in the
 * store; `./run example:support-desk SUP-103 shipping "courier damaged it"` answers one. The
 * thread is restored from the store, the reply delivered, and the run goes on to its end.
 */
import { resolve } from 'node:path';
import { RunError, SqliteCheckpointer } from '@agentchart/core';
import { supportAgent } from './agent';
import { deskQueue } from './desk-queue';
import { supportModels } from './models';
import { categories, deskReplySchema } from './schemas';

const databasePath = resolve(process.env.SUPPORT_DB ?? '.agentchart/support.db');
const checkpointer = new SqliteCheckpointer({ path: databasePath });
const [threadId, category, ...note] = process.argv.slice(2);

if (threadId === undefined) {
  const queue = await deskQueue(checkpointer);
  if (queue.length === 0) console.log(`No ticket waits at the desk in ${databasePath}.`);
  for (const item of queue) {
    const due = item.deadline ? `, due ${new Date(item.deadline).toISOString()}` : '';
    console.log(
      `${item.threadId}  ${item.prompt} (waiting since ${new Date(item.since).toISOString()}${due})`,
    );
  }
} else {
  const reply = deskReplySchema.safeParse({
    category,
    ...(note.length ? { note: note.join(' ') } : {}),
  });
  if (!reply.success) {
    console.error(`Give a queue: ${categories.join(', ')}. Usage: desk <ticket> <queue> [note]`);
    process.exitCode = 2;
  } else {
    const models = await supportModels();
    const agent = supportAgent({ model: models.triage, checkpointer });
    try {
      const handle = await agent.send(threadId, { type: 'human.reply', value: reply.data });
      const outcome = await handle.result();
      console.log(
        `${threadId}: ${outcome.status}`,
        outcome.status === 'done' ? outcome.output : '',
      );
    } catch (error) {
      // A ticket already answered, timed out or unknown: what the store says, not a stack.
      const known = ['run.not_waiting', 'run.not_found', 'human.timeout'] as const;
      if (!RunError.isInstance(error) || !(known as readonly string[]).includes(error.code)) {
        throw error;
      }
      console.error(`${threadId}: ${error.message}`);
      process.exitCode = 1;
    } finally {
      await agent.close();
    }
  }
}
checkpointer.close();
