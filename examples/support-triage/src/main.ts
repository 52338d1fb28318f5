/**
 * The intake process: `./run example:support-triage`. Triages the sample tickets into the
 * store; confident ones are routed, the others wait at the desk — in the SQLite file, not in
 * this process, which exits. `./run example:support-desk` answers them from another process.
 */
import { resolve } from 'node:path';
import { SqliteCheckpointer } from '@agentchart/core';
import { supportAgent, type TriageResult } from './agent';
import { deskQueue } from './desk-queue';
import { supportModels } from './models';
import { sampleTickets } from './tickets';

const databasePath = resolve(process.env.SUPPORT_DB ?? '.agentchart/support.db');
const checkpointer = new SqliteCheckpointer({ path: databasePath });
const models = await supportModels();
const agent = supportAgent({ model: models.triage, checkpointer });
console.log(`support triage on ${models.description}; runs in ${databasePath}\n`);

for (const ticket of sampleTickets) {
  // One thread per ticket: running the intake again leaves triaged tickets alone.
  const known = await checkpointer.latest(ticket.id);
  if (known) {
    console.log(`${ticket.id}  already in the store (${known.run.status})`);
    continue;
  }
  const outcome = await agent.run({ threadId: ticket.id, input: { ticket } });
  if (outcome.status === 'done') console.log(`${ticket.id}  ${describe(outcome.output)}`);
  else if (outcome.status === 'waiting')
    console.log(`${ticket.id}  → desk: ${outcome.waits[0]?.prompt}`);
  else console.log(`${ticket.id}  ${outcome.status}`);
}
await agent.close();

const queue = await deskQueue(checkpointer);
console.log(`\n${queue.length} ticket(s) wait at the desk. Answer one from any process:`);
for (const item of queue) {
  console.log(
    `  ./run example:support-desk ${item.threadId} <billing|technical|account|shipping|other> [note]`,
  );
}
checkpointer.close();

function describe(result: TriageResult): string {
  if (result.status === 'unanswered') return `unanswered: ${result.escalation.reason}`;
  return `${result.category} (${result.priority}), decided by ${result.decidedBy}`;
}
