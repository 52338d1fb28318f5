import { fileURLToPath } from 'node:url';
import { startThrowawayPostgres, type ThrowawayPostgres } from '@agentchart/postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import { memoryContext } from '../testing';
import { control } from './__fixtures__/refund-agent';

const agentModule = fileURLToPath(new URL('./__fixtures__/refund-agent.ts', import.meta.url));

let postgres: ThrowawayPostgres;
beforeAll(async () => {
  postgres = await startThrowawayPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

async function cli(args: string[]) {
  const io = memoryContext({
    env: { AGENTCHART_DB: postgres.connectionString, AGENTCHART_AGENT: agentModule },
  });
  const exitCode = await runCli(args, io.context);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

describe('the CLI on a PostgreSQL run database (AGENTCHART_DB=postgres://…)', () => {
  it('runs, lists, shows, answers and prunes threads there', async () => {
    control.paid.length = 0;
    const started = await cli([
      'run',
      agentModule,
      '--input',
      '{"ticket":"p","amount":700}',
      '--thread',
      'pg-1',
      '--json',
    ]);
    expect(started.exitCode).toBe(3);
    expect(JSON.parse(started.stdout)).toMatchObject({ status: 'waiting', threadId: 'pg-1' });
    expect((await cli(['runs'])).stdout).toMatch(/pg-1\s+waiting/);
    const listed = await cli(['waits', '--json']);
    if (listed.exitCode !== 0) throw new Error(listed.stderr);
    const [wait] = JSON.parse(listed.stdout) as { waitId: string }[];
    expect(wait?.waitId).toContain('approving');
    const answered = await cli(['send', 'pg-1', '--reply', '{"approved":true}']);
    if (answered.exitCode !== 0) throw new Error(answered.stderr);
    expect(answered.exitCode).toBe(0);
    expect(control.paid).toEqual([{ ticket: 'p', amount: 700 }]);
    const shown = JSON.parse((await cli(['show', 'pg-1', '--json'])).stdout);
    expect(shown).toMatchObject({ threadId: 'pg-1', run: { status: 'done', agent: 'refunds' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(
      JSON.parse((await cli(['prune', '--older-than', '10ms', '--json'])).stdout),
    ).toMatchObject({
      threads: 1,
    });
    expect((await cli(['runs'])).stdout).toContain('No threads');
  }, 60_000);
});
