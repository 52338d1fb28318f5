/**
 * `./run example:vendor-review`: three payments, each reviewed by a lead agent whose two child
 * agents — research and a risk check — run side by side. Each line is one run's progress,
 * named by its thread (a child's thread is `<lead's thread>/<step>`). Payments of 10 000 EUR
 * and more wait for a person: answer with `./run example:vendor-review-reply V-2 yes`. Run it
 * again to pick the batch up where it rests.
 */
import { resolve } from 'node:path';
import { SqliteCheckpointer } from '@agentchart/core';
import { vendorModel } from './models';
import { vendorReviewAgent } from './vendor-review';
import { sampleVendors } from './vendors';

const database = resolve(process.env.AGENTCHART_DB ?? '.agentchart/vendors.db');
const { model, description } = vendorModel();
const agent = vendorReviewAgent({
  model,
  checkpointer: new SqliteCheckpointer({ path: database }),
});
console.log(`vendor review on ${description}, store ${database}\n`);

// One stream for the lead and its children: each event names its thread.
agent.events.on('state.enter', ({ threadId, state }) => console.log(`[${threadId}] → ${state}`));
agent.events.on('tool.call.end', ({ threadId, tool }) =>
  console.log(`[${threadId}]   tool ${tool}`),
);
agent.events.on('human.wait', ({ threadId, prompt }) =>
  console.log(`[${threadId}]   waiting for a person: ${prompt}`),
);

const outcomes = await Promise.all(
  sampleVendors.map(async ({ threadId, vendor, amount }) => {
    const stored = await agent.getCheckpoint(threadId);
    const handle = stored
      ? await agent.resume(threadId)
      : agent.start({ threadId, input: { vendor, amount } });
    return handle.result();
  }),
);

console.log('\nthread  status   model calls  tokens  cost       result');
for (const outcome of outcomes) {
  const { usage } = outcome;
  const result =
    outcome.status === 'done'
      ? `${outcome.output.decision}: ${outcome.output.memo}`
      : outcome.status === 'waiting'
        ? `waits: ${outcome.waits.map((wait) => wait.prompt).join('; ')}`
        : outcome.status;
  console.log(
    `${outcome.threadId.padEnd(6)}  ${outcome.status.padEnd(7)}  ${String(usage.modelCalls).padStart(11)}  ${String(usage.inputTokens + usage.outputTokens).padStart(6)}  $${usage.costUsd.toFixed(6)}  ${result}`,
  );
}
const waiting = outcomes.filter((outcome) => outcome.status === 'waiting');
if (waiting.length > 0) {
  console.log(
    `\nAnswer a waiting review through its lead thread: ./run example:vendor-review-reply ${waiting[0]!.threadId} yes`,
  );
}
await agent.close();
