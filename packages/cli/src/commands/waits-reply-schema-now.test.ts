import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteCheckpointer } from '@agentchart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import { memoryContext } from '../testing';
import { deploy, desk } from './__fixtures__/changing-reply-agent';

const agentModule = fileURLToPath(
  new URL('./__fixtures__/changing-reply-agent.ts', import.meta.url),
);
let dir: string;
let database: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-cli-reply-now-'));
  database = join(dir, 'runs.db');
  const checkpointer = new SqliteCheckpointer({ path: database, synchronous: 'normal' });
  deploy.version = 1;
  const agent = desk.create({ checkpointer });
  await agent.run({ threadId: 'D-1', input: undefined });
  await agent.close();
  checkpointer.close();
  // The next deploy requires an approver: the thread waits on, its wait recorded as asked.
  deploy.version = 2;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const io = memoryContext({ cwd: dir });
  const exitCode = await runCli(args, io.context);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

const asked = {
  type: 'object',
  properties: { approved: { type: 'boolean' } },
  required: ['approved'],
};

// `waits` and `show` printed the reply schema the wait recorded when it opened; after a deploy
// that changed it, the reply they described was refused (`human.invalid_reply`) by the code
// that took it, and `show`'s suggested command with it.
describe('a wait whose reply schema a deploy changed', () => {
  it('is listed by waits --agent with the schema the code checks, the recorded one beside it', async () => {
    const listed = await cli('waits', '--db', database, '--agent', agentModule, '--json');
    expect(listed.exitCode).toBe(0);
    const [wait] = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(wait).toMatchObject({
      threadId: 'D-1',
      replySchema: { required: ['approved', 'approver'] },
      recordedReplySchema: asked,
    });
    const table = await cli('waits', '--db', database, '--agent', agentModule);
    expect(table.stdout).toContain('{approved: boolean, approver: string} (changed since asked)');
  });

  it('is listed as recorded without a module', async () => {
    const [recorded] = JSON.parse(
      (await cli('waits', '--db', database, '--thread', 'D-1', '--json')).stdout,
    ) as Record<string, unknown>[];
    expect(recorded?.replySchema).toEqual(asked);
    expect(recorded?.recordedReplySchema).toBeUndefined();
  });

  it('is shown by show --agent with an answer that the code accepts', async () => {
    const shown = await cli('show', 'D-1', '--db', database, '--agent', agentModule);
    expect(shown.stdout).toMatch(/reply {4}\{.*"approver"/);
    expect(shown.stdout).toContain('when the wait opened');
    const answer = /answer {3}(.*)/.exec(shown.stdout)?.[1];
    expect(answer).toContain('"approver":');
    const reply = /--reply '([^']*)'/.exec(answer ?? '')?.[1] ?? '';
    const sent = await cli(
      'send',
      'D-1',
      '--reply',
      reply,
      '--agent',
      agentModule,
      '--db',
      database,
    );
    expect(sent.stderr).not.toContain('human.invalid_reply');
    expect(sent.exitCode).toBe(0);
  });
});
