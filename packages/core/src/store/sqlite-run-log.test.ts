import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLogAgent } from '../../test/fixtures/run-log-agent';
import { tempStores } from '../../test/fixtures/temp-stores';
import { effectLogRowOf } from '../run-log/effect-log-row';
import { RunLogCostLedger } from '../run-log/run-log-cost-ledger';
import { manualClock } from '../testing/manual-clock';
import { SqliteCheckpointer } from './sqlite-checkpointer';

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

/** Runs the fixture agent's thread until it waits, then answers it; returns the outcome. */
async function runFixtureThread(store: SqliteCheckpointer, threadId = 'tender-1') {
  const agent = runLogAgent(store, { clock: manualClock(Date.UTC(2026, 2, 1, 9)) });
  const waiting = await agent.start({ threadId, input: 'quay wall', tenantId: 'acme' }).result();
  expect(waiting.status).toBe('waiting');
  const done = await (
    await agent.send(threadId, { type: 'human.reply', value: { approved: true } })
  ).result();
  await agent.close();
  return done;
}

/** Turns a database back into what schema version 3 wrote: no run log. */
function downgradeToVersion3(path: string): void {
  const db = new DatabaseSync(path);
  db.exec(`DROP TRIGGER effect_log_follows_effects; DROP TABLE effect_log;
    DROP TABLE effect_log_agents; UPDATE meta SET value = '3' WHERE key = 'schema_version'`);
  db.close();
}

/** Turns a database back into what schema version 4 wrote: the log indexed by time and agent. */
function downgradeToVersion4(path: string): void {
  const db = new DatabaseSync(path);
  db.exec(`DROP TABLE effect_log_agents;
    CREATE INDEX effect_log_by_time ON effect_log (started_at);
    CREATE INDEX effect_log_by_agent ON effect_log (agent, started_at);
    UPDATE meta SET value = '4' WHERE key = 'schema_version'`);
  db.close();
}

/** The (agent, thread) pairs the agent index holds. */
function agentThreads(path: string): unknown[] {
  const db = new DatabaseSync(path);
  const rows = db
    .prepare('SELECT agent, thread_id FROM effect_log_agents ORDER BY agent, thread_id')
    .all()
    .map((row) => [row.agent, row.thread_id]);
  db.close();
  return rows;
}

describe('the SQLite run log', () => {
  it("holds a run's every effect step; its sums equal the run's usage, child agent included", async () => {
    const store = stores.open();
    const outcome = await runFixtureThread(store);
    expect(outcome.status).toBe('done');
    const db = new DatabaseSync(stores.path);
    const [sums] = db
      .prepare(
        'SELECT sum(cost_usd) AS cost, sum(input_tokens + output_tokens) AS tokens, count(*) AS steps FROM effect_log',
      )
      .all() as { cost: number; tokens: number; steps: number }[];
    db.close();
    const { usage } = outcome;
    expect(sums?.cost).toBeCloseTo(usage.costUsd, 12);
    expect(sums?.tokens).toBe(usage.inputTokens + usage.outputTokens);
    // 8 steps of the parent (4 model calls, 2 tools, the child, the wait), 1 of the child.
    expect(sums?.steps).toBe(9);
    const child = await store.listEffectLog({ agent: 'summariser' });
    expect(child.map((row) => [row.threadId, row.state, row.tenantId])).toEqual([
      ['tender-1/0.triage.delegating#0', 'summarising', 'acme'],
    ]);
    expect(
      (await new RunLogCostLedger(store).summariseBy('day', { tenantId: 'acme' })).get('2026-03-01')
        ?.costUsd,
    ).toBeCloseTo(usage.costUsd, 12);
  });

  it('fills the run log from the journal when it upgrades a version-3 file, and reads an old file without one', async () => {
    await runFixtureThread(stores.open());
    const expected = await stores.open().listEffectLog();
    downgradeToVersion3(stores.path);
    // Read-only, the old file is not migrated: its log is read from its journal.
    const reader = new SqliteCheckpointer({ path: stores.path, readOnly: true });
    expect(await reader.listEffectLog()).toEqual(expected);
    expect((await reader.listRuns({ agent: 'triage' })).map((run) => run.threadId)).toEqual([
      'tender-1',
    ]);
    expect((await reader.summariseCost()).get('')?.calls).toBe(5);
    reader.close();
    const upgraded = stores.open();
    expect(await upgraded.listEffectLog()).toEqual(expected);
    const db = new DatabaseSync(stores.path);
    expect(db.prepare('SELECT count(*) AS rows FROM effect_log').get()).toEqual({ rows: 9 });
    db.close();
  });

  it('upgrades a file whose journal has a row it cannot read, logging it from its plain columns', async () => {
    const store = stores.open();
    await store.putEffect({
      threadId: 't',
      key: 'a#0/0:tool:lookup',
      site: 'a',
      kind: 'tool',
      effect: 'pure',
      name: 'lookup',
      status: 'completed',
      startedAt: 5,
      finishedAt: 7,
      output: { ok: true },
    });
    store.close();
    downgradeToVersion3(stores.path);
    const db = new DatabaseSync(stores.path);
    db.exec(`UPDATE effects SET output = '{broken'`);
    db.close();
    const [row] = await stores.open().listEffectLog({ threadId: 't' });
    expect(row).toMatchObject({ key: 'a#0/0:tool:lookup', status: 'completed', latencyMs: 2 });
  });

  it('drops the log row of a journal row that is deleted (a pruned thread)', async () => {
    await runFixtureThread(stores.open());
    const db = new DatabaseSync(stores.path);
    db.exec(`DELETE FROM effects WHERE thread_id = 'tender-1'`);
    expect(
      db
        .prepare('SELECT thread_id FROM effect_log')
        .all()
        .map((row) => row.thread_id),
    ).toEqual(['tender-1/0.triage.delegating#0']);
    db.close();
  });

  it('indexes each thread once per agent, and forgets a thread whose rows are deleted', async () => {
    await runFixtureThread(stores.open());
    expect(agentThreads(stores.path)).toEqual([
      ['summariser', 'tender-1/0.triage.delegating#0'],
      ['triage', 'tender-1'],
    ]);
    const db = new DatabaseSync(stores.path);
    db.exec(`DELETE FROM effects WHERE thread_id = 'tender-1'`);
    db.close();
    expect(agentThreads(stores.path)).toEqual([['summariser', 'tender-1/0.triage.delegating#0']]);
    const store = stores.open();
    expect(await store.listRuns({ agent: 'triage' })).toEqual([]);
    expect(await store.listEffectLog({ agent: 'triage' })).toEqual([]);
    store.close();
  });

  it('upgrades a version-4 file: its agents are read from its log, its per-row indexes dropped', async () => {
    await runFixtureThread(stores.open());
    const expected = await stores.open().listEffectLog({ agent: 'triage' });
    expect(expected).toHaveLength(8);
    downgradeToVersion4(stores.path);
    // Read-only, the old file is not migrated: its agent index is the log's.
    const reader = new SqliteCheckpointer({ path: stores.path, readOnly: true });
    expect(await reader.listEffectLog({ agent: 'triage' })).toEqual(expected);
    expect((await reader.listRuns({ agent: 'summariser' })).map((run) => run.threadId)).toEqual([
      'tender-1/0.triage.delegating#0',
    ]);
    reader.close();
    const upgraded = stores.open();
    expect(await upgraded.listEffectLog({ agent: 'triage' })).toEqual(expected);
    expect((await upgraded.listRuns({ agent: 'triage' })).map((run) => run.threadId)).toEqual([
      'tender-1',
    ]);
    upgraded.close();
    expect(agentThreads(stores.path)).toEqual([
      ['summariser', 'tender-1/0.triage.delegating#0'],
      ['triage', 'tender-1'],
    ]);
    const db = new DatabaseSync(stores.path);
    expect(
      db
        .prepare("SELECT name FROM sqlite_schema WHERE name LIKE 'effect_log_by_%' ORDER BY name")
        .all()
        .map((row) => row.name),
    ).toEqual(['effect_log_by_tenant']);
    db.close();
  });

  it('writes no log rows with runLog: false, and its queries see only the rows there are', async () => {
    const store = new SqliteCheckpointer({ path: stores.path, runLog: false });
    await runFixtureThread(store);
    expect(await store.listEffectLog()).toEqual([]);
    expect((await store.listRuns()).map((run) => [run.threadId, run.steps])).toEqual([
      ['tender-1', 0],
      ['tender-1/0.triage.delegating#0', 0],
    ]);
    store.close();
  });

  it('writes each row from the same record as the journal row, in the same transaction', async () => {
    const store = stores.open();
    await runFixtureThread(store);
    for (const threadId of ['tender-1', 'tender-1/0.triage.delegating#0']) {
      const journal = await store.listEffects(threadId);
      expect(await store.listEffectLog({ threadId })).toEqual(journal.map(effectLogRowOf));
    }
  });
});
