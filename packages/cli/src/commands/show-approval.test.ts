import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAgent, defineTool, SqliteCheckpointer, toolCall } from '@agentchart/core';
import { afterEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { runCli } from '../cli';
import { serveStudio } from '../studio/serve-studio';
import { memoryContext } from '../testing';
import { paid as paidByModule, payer } from './__fixtures__/paying-agent';

const payerModule = fileURLToPath(new URL('./__fixtures__/paying-agent.ts', import.meta.url));

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A chart whose one step is a call of an unsafe tool that always asks a person first. */
function payingAgent(
  path: string,
  paid: unknown[],
  redact?: { secrets: string[] },
  prompt?: (call: { tool: string; arguments: unknown }) => string,
) {
  const pay = defineTool({
    name: 'pay',
    description: 'Pay someone',
    effect: 'unsafe',
    input: z.object({ to: z.string(), amount: z.number() }),
    output: z.string(),
    execute: async (input) => {
      paid.push(input);
      return 'paid';
    },
  });
  const machine = setup({
    actors: { pay: toolCall(pay, { approval: 'always', ...(prompt ? { prompt } : {}) }) },
  }).createMachine({
    id: 'payer',
    initial: 'paying',
    states: {
      paying: {
        invoke: { src: 'pay', input: { to: 'alice@example.com', amount: 1 }, onDone: 'done' },
      },
      done: { type: 'final' },
    },
  });
  const checkpointer = new SqliteCheckpointer({ path, synchronous: 'normal' });
  return {
    agent: createAgent({ machine, checkpointer, ...(redact ? { redact } : {}) }),
    checkpointer,
  };
}

describe('agentchart show, on a thread waiting for an approval', () => {
  it('suggests a reply that is an approval of the arguments shown, bound to their hash', async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentchart-show-approval-'));
    const path = join(dir, 'runs.db');
    const paid: unknown[] = [];
    const first = payingAgent(path, paid);
    expect((await first.agent.run({ threadId: 'pay-1', input: undefined })).status).toBe('waiting');
    await first.agent.close();
    first.checkpointer.close();

    const io = memoryContext({ cwd: dir });
    expect(await runCli(['show', 'pay-1', '--db', path], io.context)).toBe(0);
    const stdout = io.stdout();
    // Before: `--reply true`, which no approval accepts.
    const suggested = stdout.match(/--reply '(\{[^']*\})'/)?.[1];
    expect(suggested, stdout).toBeDefined();
    const reply = JSON.parse(suggested!) as { approved: boolean; argumentsHash: string };
    expect(reply).toEqual({
      approved: true,
      argumentsHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    const second = payingAgent(path, paid);
    const handle = await second.agent.send('pay-1', { type: 'human.reply', value: reply });
    expect((await handle.result()).status).toBe('done');
    expect(paid).toEqual([{ to: 'alice@example.com', amount: 1 }]);
    await second.agent.close();
    second.checkpointer.close();
    expect(stdout).not.toContain('redacted before they were stored');
  });

  it('shows the question the approval asked, with the exact call, to whoever answers from the store', async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentchart-show-approval-'));
    const path = join(dir, 'runs.db');
    const question = ({ arguments: call }: { arguments: unknown }) =>
      `Pay ${(call as { amount: number }).amount} EUR to ${(call as { to: string }).to}?`;
    const first = payingAgent(path, [], undefined, question);
    const outcome = await first.agent.run({ threadId: 'pay-q', input: undefined });
    expect(outcome.status === 'waiting' && outcome.waits[0]?.prompt).toBe(
      'Pay 1 EUR to alice@example.com?',
    );
    await first.agent.close();
    first.checkpointer.close();

    const exact = '{"arguments":{"amount":1,"to":"alice@example.com"},"tool":"pay"}';
    const shown = memoryContext({ cwd: dir });
    expect(await runCli(['show', 'pay-q', '--db', path], shown.context)).toBe(0);
    // Before: only the call's JSON; the question the person is asked was never stored.
    expect(shown.stdout()).toContain(`prompt   Pay 1 EUR to alice@example.com? ${exact}`);
    const listed = memoryContext({ cwd: dir });
    expect(await runCli(['waits', '--json', '--db', path], listed.context)).toBe(0);
    expect(JSON.parse(listed.stdout())).toMatchObject([
      { threadId: 'pay-q', prompt: `Pay 1 EUR to alice@example.com? ${exact}` },
    ]);
  });

  it('says when the arguments it shows were redacted before they were stored', async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentchart-show-approval-'));
    const path = join(dir, 'runs.db');
    const { agent, checkpointer } = payingAgent(path, [], { secrets: ['alice@example.com'] });
    expect((await agent.run({ threadId: 'pay-2', input: undefined })).status).toBe('waiting');
    await agent.close();
    checkpointer.close();

    const io = memoryContext({ cwd: dir });
    expect(await runCli(['show', 'pay-2', '--db', path], io.context)).toBe(0);
    expect(io.stdout()).not.toContain('alice@example.com');
    expect(io.stdout()).toContain('parts of this were redacted before they were stored');
  });

  it("refuses, from the shell and the studio, an approval that does not name the arguments' hash its schema requires, and takes the command show suggests", async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentchart-show-approval-'));
    const path = join(dir, 'runs.db');
    paidByModule.length = 0;
    const checkpointer = new SqliteCheckpointer({ path, synchronous: 'normal' });
    const agent = payer.create({ checkpointer });
    expect((await agent.run({ threadId: 'pay-3', input: undefined })).status).toBe('waiting');
    await agent.close();
    checkpointer.close();
    const cli = async (args: string[]) => {
      const io = memoryContext({ cwd: dir! });
      const exitCode = await runCli(args, io.context);
      return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
    };

    const shown = await cli(['show', 'pay-3', '--db', path, '--json']);
    const [wait] = JSON.parse(shown.stdout).waits as { replySchema: any; command: string }[];
    expect(wait!.replySchema.required).toEqual(['approved', 'argumentsHash']);
    const hash = wait!.replySchema.properties.argumentsHash.const as string;

    // Before: accepted, and the payment made, though the schema printed requires the hash.
    const unbound = await cli([
      'send',
      'pay-3',
      '--reply',
      '{"approved":true}',
      '--agent',
      payerModule,
      '--db',
      path,
    ]);
    expect(unbound.exitCode).toBe(2);
    expect(unbound.stderr).toContain('does not name the hash of the arguments it approves');
    expect(unbound.stderr).toContain(`{"approved":true,"argumentsHash":"${hash}"}`);
    expect(unbound.stderr).toContain('"to":"alice@example.com"');
    expect(paidByModule).toEqual([]);

    const studio = await serveStudio({
      database: path,
      port: 0,
      context: memoryContext({ cwd: dir }).context,
    });
    try {
      const posted = await fetch(new URL(`/api/runs/pay-3/reply`, studio.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: { approved: true } }),
      });
      expect(posted.status).toBe(400);
      expect(((await posted.json()) as { code: string }).code).toBe('human.invalid_reply');
    } finally {
      await studio.close();
    }
    expect(paidByModule).toEqual([]);

    // The command show suggests, as it prints it, answers the wait.
    expect(wait!.command).toContain(`"argumentsHash":"${hash}"`);
    const reply = wait!.command.match(/--reply '(\{[^']*\})'/)![1]!;
    const sent = await cli([
      'send',
      'pay-3',
      '--reply',
      reply,
      '--agent',
      payerModule,
      '--db',
      path,
    ]);
    expect(sent.exitCode).toBe(0);
    expect(paidByModule).toEqual([{ to: 'alice@example.com', amount: 1 }]);
  });
});
