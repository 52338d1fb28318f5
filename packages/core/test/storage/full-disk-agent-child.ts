/**
 * One process of the full-disk run test: the invoice agent on an SQLite file in a small
 * tmpfs. `start` runs the thread and fills the disk at `fillAt`; `resume` continues it to
 * the end, answering the approval (and, with `fillAt: 'before-reply'`, meets a full disk
 * first and frees it). The ledger and the model-call count live outside the small disk.
 * Prints one JSON line.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAgent } from '../../src/agent/create-agent';
import type { ChatModel } from '../../src/model/types';
import { SqliteCheckpointer } from '../../src/store/sqlite-checkpointer';
import { scriptedModel } from '../../src/testing/scripted-model';
import { invoiceMachine, invoiceResponse } from '../fixtures/invoice-agent';
import { sqliteLedger } from '../fixtures/sqlite-ledger';
import { describeError, fillDisk, freeDisk } from './fill-disk';

export type FillPoint = 'model-call-3' | 'after-send' | 'before-reply';

const [disk, input] = process.argv.slice(2) as [string, string];
const { stage, fillAt, outside } = JSON.parse(input) as {
  stage: 'start' | 'resume';
  fillAt: FillPoint;
  outside: string;
};
const threadId = 'invoice-1';
const filling = (point: FillPoint) => stage === 'start' && fillAt === point;

const store = new SqliteCheckpointer({ path: join(disk, 'runs.db') });
const ledger = sqliteLedger(join(outside, 'ledger.db'));
const scripted = scriptedModel({ handler: invoiceResponse });
let calls = 0;
const model: ChatModel = {
  ...scripted,
  async generate(request, options) {
    appendFileSync(join(outside, 'model-calls'), '.');
    const response = await scripted.generate(request, options);
    // The answer arrives, and then the disk is full: it cannot be recorded.
    if (++calls === 3 && filling('model-call-3')) fillDisk(disk);
    return response;
  },
};
const agent = createAgent({
  machine: invoiceMachine({
    ledger,
    afterSend: () => {
      if (filling('after-send')) fillDisk(disk);
    },
  }),
  models: { fast: model },
  // The reply meets the full disk in the live run (with eviction, restoring the run would).
  evictWaiting: false,
  checkpointer: store,
});

const summary = (outcome: { status: string; error?: unknown }) => ({
  status: outcome.status,
  ...(outcome.error ? { error: describeError(outcome.error) } : {}),
});

let report: Record<string, unknown>;
if (stage === 'start') {
  const outcome = await agent.start({ threadId, input: { request: 'invoice c-42' } }).result();
  report = { outcome: summary(outcome) };
} else {
  // The first process has exited, and its run could not give its lease up on the full disk:
  // take the thread by force, as an operator who knows that process is gone does.
  let outcome = await (await agent.resume(threadId, { force: true })).result();
  const steps = [summary(outcome)];
  let replyError: unknown;
  while (outcome.status === 'waiting') {
    if (fillAt === 'before-reply' && replyError === undefined) {
      fillDisk(disk);
      try {
        const handle = await agent.send(threadId, {
          type: 'human.reply',
          value: { approved: true },
        });
        replyError = { outcome: summary(await handle.result()) };
      } catch (error) {
        replyError = { thrown: describeError(error) };
      }
      freeDisk(disk);
    }
    const handle = await agent.send(threadId, { type: 'human.reply', value: { approved: true } });
    outcome = await handle.result();
    steps.push(summary(outcome));
  }
  const journal = (await store.listEffects(threadId)).map(({ key, status }) => ({ key, status }));
  report = { steps, replyError, output: (outcome as { output?: unknown }).output, journal };
}
ledger.close();
try {
  store.close();
} catch (error) {
  report.closeError = describeError(error);
}
process.stdout.write(`${JSON.stringify(report)}\n`);
// A run resting on its approval keeps a one-hour timer: this process is done all the same.
process.exit(0);
