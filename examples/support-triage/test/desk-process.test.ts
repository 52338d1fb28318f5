import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteCheckpointer } from '@agentchart/core';
import { afterEach, describe, expect, it } from 'vitest';
import { supportAgent } from '../src/agent';
import { demoModel } from '../src/demo-model';
import { sampleTickets } from '../src/tickets';

const desk = fileURLToPath(new URL('../src/desk.ts', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');

/** Runs the desk script (`./run example:support-desk …`) in its own Node process. */
function runDesk(database: string, ...args: string[]) {
  return spawnSync(
    process.execPath,
    ['--conditions=@agentchart/source', '--import', tsx, desk, ...args],
    { env: { ...process.env, SUPPORT_DB: database, OPENAI_API_KEY: '' }, encoding: 'utf8' },
  );
}

describe('the desk script, another process', () => {
  let directory: string | undefined;
  afterEach(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('lists the waiting ticket from the store and answers it', async () => {
    directory = mkdtempSync(join(tmpdir(), 'support-desk-process-'));
    const database = join(directory, 'support.db');
    const store = new SqliteCheckpointer({ path: database });
    const intake = supportAgent({ model: demoModel(), checkpointer: store });
    const feedback = sampleTickets.find((ticket) => ticket.id === 'SUP-107')!;
    expect((await intake.run({ threadId: feedback.id, input: { ticket: feedback } })).status).toBe(
      'waiting',
    );
    await intake.close();

    const listed = runDesk(database);
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toContain(
      'SUP-107  Ticket SUP-107 "Feedback" from Gao Yan needs a queue',
    );

    const answered = runDesk(database, 'SUP-107', 'other', 'praise,', 'no action');
    expect(answered.status).toBe(0);
    expect(answered.stdout).toContain('SUP-107: done');
    const latest = await store.latest('SUP-107');
    expect(latest?.run.status).toBe('done');
    expect(runDesk(database).stdout).toContain('No ticket waits at the desk');
    store.close();
  }, 30_000);
});
