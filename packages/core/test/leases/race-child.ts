/**
 * One process of the lease race (see lease-race.ts), configured by `AGENTCHART_RACE_CHILD`:
 * - `owner` starts the invoice thread; its unsafe tool reports `acting` and holds until the
 *   rival has tried (in flight, not yet acted), or — with `crashAfterSend` — sends and is
 *   killed with SIGKILL;
 * - `rival` tries to resume the thread once, while the owner runs;
 * - `resumer` resumes it as soon as the dead owner's lease lapses, and finishes it;
 * - `forcer` resumes it at once with `force` (it knows the owner is dead): once, and holds
 *   its own send in flight for a moment, so a second forcer could take the thread from it.
 * Each prints one JSON line: what it ended in.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createAgent, SqliteCheckpointer } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { invoiceMachine, invoiceResponse } from '../fixtures/invoice-agent';
import { sqliteLedger } from '../fixtures/sqlite-ledger';

interface RaceChildConfig {
  role: 'owner' | 'rival' | 'resumer' | 'forcer';
  dbPath: string;
  ledgerPath: string;
  threadId: string;
  leaseTtlMs: number;
  /** The owner holds its send until this file exists (the rival writes it once it tried). */
  gateFile?: string;
  crashAfterSend?: boolean;
  /** The owner is killed with its send in flight, before it acts. */
  crashBeforeSend?: boolean;
}

const config = JSON.parse(process.env.AGENTCHART_RACE_CHILD ?? '{}') as RaceChildConfig;
const report = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const store = new SqliteCheckpointer({ path: config.dbPath });
const ledger = sqliteLedger(config.ledgerPath);
const agent = createAgent({
  machine: invoiceMachine({
    ledger,
    beforeSend: async () => {
      if (config.role === 'forcer') await sleep(200);
      if (config.role !== 'owner') return;
      if (config.crashBeforeSend) process.kill(process.pid, 'SIGKILL');
      report({ event: 'acting' });
      // In flight, not yet acted, until the rival has tried (bounded: a lost rival cannot hang us).
      const until = Date.now() + 20_000;
      while (config.gateFile && !existsSync(config.gateFile) && Date.now() < until) await sleep(10);
    },
    afterSend: () => {
      if (config.role === 'owner' && config.crashAfterSend) process.kill(process.pid, 'SIGKILL');
    },
  }),
  models: { fast: scriptedModel({ handler: invoiceResponse }) },
  checkpointer: store,
  leaseTtlMs: config.leaseTtlMs,
});

/** Runs the thread to its end from `handle`, approving the invoice when asked. */
async function finish(handle: Awaited<ReturnType<typeof agent.resume>>) {
  let outcome = await handle.result();
  while (outcome.status === 'waiting') {
    outcome = await (
      await agent.send(config.threadId, { type: 'human.reply', value: { approved: true } })
    ).result();
  }
  return outcome.status;
}

const codeOf = (error: unknown) => (error as { code?: string }).code ?? String(error);
if (config.role === 'owner') {
  const status = await finish(
    agent.start({ threadId: config.threadId, input: { request: 'invoice c-42' } }),
  );
  report({ event: 'end', status });
} else if (config.role === 'rival') {
  let handle: Awaited<ReturnType<typeof agent.resume>> | undefined;
  let refused: string | undefined;
  try {
    handle = await agent.resume(config.threadId);
  } catch (error) {
    refused = codeOf(error);
  } finally {
    if (config.gateFile) writeFileSync(config.gateFile, '');
  }
  if (handle) report({ event: 'end', status: await finish(handle), resumed: true });
  else report({ event: 'end', refused });
} else if (config.role === 'forcer') {
  try {
    const status = await finish(await agent.resume(config.threadId, { force: true }));
    report({ event: 'end', status, resumed: true });
  } catch (error) {
    report({ event: 'end', refused: codeOf(error) });
  }
} else {
  // The dead owner's lease lapses after its time to live: keep asking until then.
  const giveUpAt = Date.now() + config.leaseTtlMs * 4 + 5_000;
  for (let refusals = 0; ; refusals++) {
    try {
      const status = await finish(await agent.resume(config.threadId));
      report({ event: 'end', status, resumed: true, refusals });
      break;
    } catch (error) {
      if (codeOf(error) !== 'checkpoint.lease_held' || Date.now() > giveUpAt) {
        report({ event: 'end', refused: codeOf(error), refusals });
        break;
      }
      await sleep(25);
    }
  }
}
await agent.close();
ledger.close();
store.close();
