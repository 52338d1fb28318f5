/**
 * `./run example:vendor-review-reply V-2 yes|no [note]`: another process answers the person's
 * approval a child agent of review V-2 waits for. The reply goes to the lead's thread, never
 * to the child's: the lead is restored from the store, restores its child, and the child's
 * wait takes the reply; both go on to the end.
 */
import { resolve } from 'node:path';
import { SqliteCheckpointer } from '@agentchart/core';
import { vendorModel } from './models';
import { vendorReviewAgent } from './vendor-review';

const [threadId, answer, ...note] = process.argv.slice(2);
if (threadId === undefined || (answer !== 'yes' && answer !== 'no')) {
  console.error('Usage: ./run example:vendor-review-reply <thread> yes|no [note]');
  process.exit(2);
}
const database = resolve(process.env.AGENTCHART_DB ?? '.agentchart/vendors.db');
const agent = vendorReviewAgent({
  model: vendorModel().model,
  checkpointer: new SqliteCheckpointer({ path: database }),
});
const value = { approved: answer === 'yes', ...(note.length ? { note: note.join(' ') } : {}) };
/** Sends the reply and waits for the review's next rest. */
const deliverReply = async () => {
  const handle = await agent.send(threadId, { type: 'human.reply', value });
  const outcome = await handle.result();
  return outcome;
};

let outcome: Awaited<ReturnType<typeof deliverReply>>;
try {
  outcome = await deliverReply();
} catch (error) {
  // A reply the thread does not take (it is not waiting, the reply does not fit): one line.
  console.error(`${(error as { code?: string }).code ?? 'error'}: ${(error as Error).message}`);
  await agent.close();
  process.exit(2);
}
console.log(outcome.status === 'done' ? outcome.output : outcome);
console.log(
  `${outcome.usage.modelCalls} model calls, $${outcome.usage.costUsd.toFixed(6)} for the lead and its child agents together`,
);
await agent.close();
