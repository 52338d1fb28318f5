import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteCheckpointer } from '@agentchart/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import { memoryContext } from '../testing';
import { deskControl } from './__fixtures__/delegating-agent';
import { control } from './__fixtures__/refund-agent';

const agentModule = fileURLToPath(new URL('./__fixtures__/refund-agent.ts', import.meta.url));
const deskModule = fileURLToPath(new URL('./__fixtures__/delegating-agent.ts', import.meta.url));
const nextDeskModule = fileURLToPath(
  new URL('./__fixtures__/delegating-agent-next.ts', import.meta.url),
);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-cli-run-'));
  control.latencyMs = 0;
  control.toolLatencyMs = 0;
  control.clockAheadMs = 0;
  control.paid.length = 0;
  deskControl.latencyMs = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], env: Record<string, string> = {}) {
  const io = memoryContext({ cwd: dir, env });
  const exitCode = await runCli(args, io.context);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

describe('agentchart run', () => {
  it('says what is wrong with a thread or tenant id that makes no sense, as a usage error', async () => {
    // Was "unexpected error" with a stack trace, exit 1.
    for (const flag of ['--thread', '--tenant']) {
      const result = await cli([
        'run',
        agentModule,
        '--input',
        '{"ticket":"t-1","amount":20}',
        flag,
        '',
      ]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).not.toContain('unexpected error');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(control.paid).toEqual([]);
  });

  it("refuses input that breaks the agent's input schema as a usage error, starting nothing", async () => {
    // Before: the misnamed key started the thread and ran the chart on undefined.
    const result = await cli(['run', agentModule, '--input', '{"ticket":"t-1","amout":20}']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('amount: Invalid input: expected number, received undefined');
    expect(result.stderr).toContain('Fix --input and run the command again.');
    expect(result.stderr).not.toContain('started (agent');
    expect((await cli(['runs', '--json'])).stdout).not.toContain('"threadId"');
  });

  it('drives a new thread to done, with progress on stderr and the outcome on stdout', async () => {
    const result = await cli([
      'run',
      agentModule,
      '--input',
      '{"ticket":"t-1","amount":20}',
      '--thread',
      'a',
    ]);
    expect(result.exitCode).toBe(0);
    // Was "1 model calls, … 1 tool calls".
    expect(result.stdout).toMatch(
      /^done {2}thread a: 1 model call, \d+ tokens, <?\$[\d.]+, 1 tool call, 3 steps\n/,
    );
    expect(result.stdout).toContain('output  {"category":"refund","amount":20}');
    expect(result.stderr).toContain('[a] started (agent refunds)');
    expect(result.stderr).toContain('[a]   → paying');
    expect(result.stderr).toContain('[a]     tool pay_refund');
    expect(control.paid).toEqual([{ ticket: 't-1', amount: 20 }]);
  });

  it('prints one JSON object with --json, reads input from @file, and writes to the default database', async () => {
    writeFileSync(join(dir, 'input.json'), '{"ticket":"t-2","amount":30}');
    const result = await cli([
      'run',
      agentModule,
      '--input',
      '@input.json',
      '--thread',
      'b',
      '--json',
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'done',
      threadId: 'b',
      output: { category: 'refund', amount: 30 },
      usage: { modelCalls: 1, toolCalls: 1 },
    });
    const runs = await cli(['runs']);
    expect(runs.stdout).toMatch(/b\s+done/);
  });

  it('exits 3 when the run waits for a human, saying how to answer, with the wait named (issue 9)', async () => {
    const result = await cli([
      'run',
      agentModule,
      '--input',
      '{"ticket":"t-3","amount":500}',
      '--thread',
      'c',
    ]);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toMatch(/^waiting {2}thread c/);
    expect(result.stdout).toContain(
      'waits   0.refunds.approving#0/0:human: "Refund 500 EUR?" (until',
    );
    expect(result.stdout).toContain(
      `Answer with: agentchart send c --reply '<json>' --wait-id '0.refunds.approving#0/0:human' --agent ${agentModule}`,
    );
  });

  it('quotes the thread id in the command it suggests, so pasting it runs nothing the id holds', async () => {
    // Was `agentchart send c $(touch pwned) --reply …`: the shell ran what the id held.
    const result = await cli([
      'run',
      agentModule,
      '--input',
      '{"ticket":"t-4","amount":500}',
      '--thread',
      'c $(touch pwned)',
    ]);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain("Answer with: agentchart send 'c $(touch pwned)' --reply");
  });

  it.each([
    [['run'], 2, 'Missing the agent module'],
    [['run', agentModule, '--input', '{ticket}'], 2, 'is not JSON'],
    [['run', agentModule, '--input', '@missing.json'], 2, 'no such file'],
    [['run', 'nope.ts'], 2, 'File not found: nope.ts'],
  ])('refuses %j with exit %i and a message that says what to do', async (args, code, message) => {
    const result = await cli(args);
    expect(result.exitCode).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('refuses a module that exports a plain agent, with the change that makes it loadable', async () => {
    const plain = join(dir, 'plain.mjs');
    writeFileSync(plain, `export const agent = { machine: {}, start() {}, resume() {} };\n`);
    const result = await cli(['run', plain]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('exports an agent (agent) but no agent factory');
    expect(result.stderr).toContain(
      'agentFactory((host) => createAgent({ machine, models, ...host }))',
    );
  });

  it('refuses to start a thread id that exists, pointing at resume', async () => {
    await cli(['run', agentModule, '--input', '{"ticket":"t","amount":1}', '--thread', 'd']);
    const again = await cli([
      'run',
      agentModule,
      '--input',
      '{"ticket":"t","amount":1}',
      '--thread',
      'd',
    ]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('Thread "d" already exists (done)');
    expect(again.stderr).toContain(`agentchart resume d --agent ${agentModule}`);
  });

  it('tells a start refused for an id another process holds to pick another, not to resume a thread it has not got', async () => {
    const store = new SqliteCheckpointer({ path: join(dir, '.agentchart', 'runs.db') });
    // A process that died before its run's first checkpoint leaves only its lease.
    await store.acquireLease('held', { owner: 'gone', ttlMs: 60_000, now: Date.now() });
    store.close();
    const refused = await cli([
      'run',
      agentModule,
      '--input',
      '{"ticket":"t","amount":1}',
      '--thread',
      'held',
    ]);
    expect(refused.exitCode).toBe(5);
    // Before: "take the thread now with: agentchart resume held --force", which answers that
    // there is no thread "held".
    expect(refused.stderr).not.toContain('resume held --force');
    expect(refused.stderr).toContain('pick a new --thread');
  });

  it('points a thread id that waits for a reply at waits and send, not resume', async () => {
    const input = '{"ticket":"t-8","amount":900}';
    await cli(['run', agentModule, '--input', input, '--thread', 'asks']);
    const again = await cli(['run', agentModule, '--input', input, '--thread', 'asks']);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('Thread "asks" already exists and waits for a reply');
    expect(again.stderr).toContain('agentchart waits --thread asks');
    expect(again.stderr).toContain(`agentchart send asks --reply '<json>' --agent ${agentModule}`);
  });
});

describe('agentchart waits and send', () => {
  it('lists the pending wait with its prompt and reply schema, refuses a reply that does not fit, and delivers one that does', async () => {
    const env = { AGENTCHART_DB: join(dir, 'env.db'), AGENTCHART_AGENT: agentModule };
    await cli(
      ['run', agentModule, '--input', '{"ticket":"t-9","amount":900}', '--thread', 'w'],
      env,
    );
    const waits = await cli(['waits'], env);
    expect(waits.exitCode).toBe(0);
    expect(waits.stdout).toMatch(
      /w\s+0\.refunds\.approving#0\/0:human\s+Refund 900 EUR\?\s+\{approved: boolean\}\s+\d{4}-/,
    );
    const json = JSON.parse((await cli(['waits', '--json'], env)).stdout);
    expect(json).toEqual([
      expect.objectContaining({
        threadId: 'w',
        agent: 'refunds',
        waitId: '0.refunds.approving#0/0:human',
        prompt: 'Refund 900 EUR?',
        replySchema: expect.objectContaining({ required: ['approved'] }),
      }),
    ]);

    const wrong = await cli(['send', 'w', '--reply', '{"approved":"yes"}'], env);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain(
      'does not match the expected shape (approved: Invalid input: expected boolean, received string); the wait stays open',
    );
    expect(control.paid).toEqual([]);

    const right = await cli(['send', 'w', '--reply', '{"approved":true}', '--json'], env);
    expect(right.exitCode).toBe(0);
    expect(JSON.parse(right.stdout)).toMatchObject({ status: 'done', threadId: 'w' });
    expect(control.paid).toEqual([{ ticket: 't-9', amount: 900 }]);
    expect((await cli(['waits'], env)).stdout).toContain('No human waits pending');
  });

  it('tells a send refused for a thread another live process holds to retry when its lease lapses, and to force only a dead one', async () => {
    const database = join(dir, 'held.db');
    const env = { AGENTCHART_DB: database, AGENTCHART_AGENT: agentModule };
    await cli(['run', agentModule, '--input', '{"ticket":"t","amount":900}', '--thread', 'h'], env);
    // The same send clicked twice: the first one's process holds the thread while it works.
    const store = new SqliteCheckpointer({ path: database });
    const expiresAt = Date.now() + 60_000;
    await store.acquireLease('h', { owner: 'first-send', ttlMs: 60_000, now: expiresAt - 60_000 });
    store.close();
    const refused = await cli(['send', 'h', '--reply', '{"approved":true}'], env);
    expect(refused.exitCode).toBe(5);
    const message = refused.stderr;
    // Before: "If that process is gone for sure, take the thread now with: … --force", right
    // after core's own advice, with nothing said of when a retry would go through.
    expect(message).toContain('Nothing was done here');
    expect(message).toContain(`lapses at ${new Date(expiresAt).toISOString().slice(0, 16)}`);
    expect(message).toContain('retry then');
    expect(message).not.toContain('gone for sure');
    expect(message).not.toContain('{ force: true }');
    const force = message.indexOf('--force');
    expect(message.lastIndexOf('Only if that process has died', force)).toBeGreaterThan(
      message.indexOf('retry then'),
    );
    // The forced resume is the message's last words.
    expect(message.slice(force).trim()).toMatch(/^--force$/);
    expect(control.paid).toEqual([]);
  });

  it('says when no state takes an event sent to a thread, so a misspelt type is not taken for one delivered', async () => {
    const env = { AGENTCHART_DB: join(dir, 'env.db'), AGENTCHART_AGENT: agentModule };
    await cli(
      ['run', agentModule, '--input', '{"ticket":"t-9","amount":900}', '--thread', 'w'],
      env,
    );
    // Before: "waiting" and nothing else, as if the event had been delivered.
    const dropped = await cli(['send', 'w', '{"type":"apporve"}'], env);
    expect(dropped.exitCode).toBe(2);
    expect(dropped.stderr).toContain('Thread "w" did not take "apporve"');
    expect(dropped.stderr).toContain("agentchart show w shows the thread's states");
    const reply = await cli(['send', 'w', '--reply', '{"approved":true}'], env);
    expect(reply.exitCode).toBe(0);
    expect(reply.stderr).not.toContain('did not take');
  });

  it("lists a child agent's wait under the thread that answers it, and refuses a reply sent to the child's own thread", async () => {
    const env = { AGENTCHART_DB: join(dir, 'family.db'), AGENTCHART_AGENT: deskModule };
    const started = await cli(
      ['run', deskModule, '--input', '{"amount":900}', '--thread', 'p'],
      env,
    );
    expect(started.exitCode).toBe(3);
    const child = 'p/0.desk.delegating#0';
    // The child's run is its own agent's, not the parent's.
    expect(started.stderr).toContain(`[${child}] started (agent approver)`);
    const waits = await cli(['waits'], env);
    expect(waits.stdout).toMatch(
      /^p\s+p\/0\.desk\.delegating#0\s+0\.desk\.delegating#0\/0\.approver\.approving#0\/0:human\s+/m,
    );
    expect(waits.stdout).toContain(
      "Answer one with: agentchart send p --reply '<json>' --wait-id '0.desk.delegating#0/0.approver.approving#0/0:human'",
    );
    const json = JSON.parse((await cli(['waits', '--json'], env)).stdout);
    expect(json).toEqual([
      expect.objectContaining({
        threadId: 'p',
        agent: 'desk',
        childThreadId: child,
        // Named as the parent lists it: by the child's thread below the parent, then its key.
        waitId: '0.desk.delegating#0/0.approver.approving#0/0:human',
      }),
    ]);
    // Asked for the parent thread, its child's waits are its own.
    expect(JSON.parse((await cli(['waits', '--thread', 'p', '--json'], env)).stdout)).toEqual(json);
    // Shown on its own, the child's wait is answered through its parent too.
    expect((await cli(['show', child], env)).stdout).toContain(
      `answer   agentchart send p --reply '{"approved":true}' --wait-id '0.desk.delegating#0/0.approver.approving#0/0:human'`,
    );
    const wrong = await cli(['send', child, '--reply', '{"approved":true}'], env);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain(
      "agentchart send p --reply '<json>' --wait-id '0.desk.delegating#0/0.approver.approving#0/0:human'",
    );
    const right = await cli(['send', 'p', '--reply', '{"approved":true}', '--json'], env);
    expect(JSON.parse(right.stdout)).toMatchObject({ status: 'done', threadId: 'p' });
  });

  it('refuses a reply sent after the wait timed out as a usage error, saying what happened and where the thread went', async () => {
    const env = { AGENTCHART_DB: join(dir, 'late.db'), AGENTCHART_AGENT: agentModule };
    await cli(
      ['run', agentModule, '--input', '{"ticket":"t-7","amount":900}', '--thread', 'late'],
      env,
    );
    // The wait's deadline is an hour away: the reply comes two hours later.
    control.clockAheadMs = 2 * 3_600_000;
    const late = await cli(['send', 'late', '--reply', '{"approved":true}'], env);
    expect(late.exitCode).toBe(2);
    expect(late.stderr).toContain('came after its deadline');
    // Restored to take the reply, the thread woke past its deadline and went its timeout path
    // (refused) to its end. Before, the advice was to drive it on with resume, which then
    // answered that the thread had ended.
    expect(late.stderr).toContain(
      'The thread went on along its timeout path and has ended (done); agentchart show late shows what it did.',
    );
    expect(late.stderr).not.toContain('agentchart resume late');
    expect(late.stderr).not.toContain('unexpected error');
    expect(control.paid).toEqual([]);
    const runs = await cli(['runs', '--json'], env);
    expect(JSON.parse(runs.stdout)).toMatchObject([{ threadId: 'late', status: 'done' }]);
  });

  it('marks a wait whose deadline passed while nothing woke it, since a reply to it is refused', async () => {
    const env = { AGENTCHART_DB: join(dir, 'overdue.db'), AGENTCHART_AGENT: agentModule };
    // Asked two hours ago, with an hour to answer, and no worker since.
    control.clockAheadMs = -2 * 3_600_000;
    await cli(
      ['run', agentModule, '--input', '{"ticket":"t-5","amount":900}', '--thread', 'old'],
      env,
    );
    control.clockAheadMs = 0;
    await cli(
      ['run', agentModule, '--input', '{"ticket":"t-6","amount":900}', '--thread', 'new'],
      env,
    );
    // Before: both listed alike, each with "Answer one with", the first's deadline an hour ago.
    const waits = await cli(['waits'], env);
    expect(waits.stdout).toMatch(/^old\s.*\d{4}-\S+Z \(passed\)$/m);
    expect(waits.stdout).toMatch(/^new\s.*\d{4}-\S+Z$/m);
    expect(waits.stdout).toContain(
      'One wait is past the deadline: a reply now is refused (human.timeout): the thread takes its timeout path when agentchart worker wakes it or it is resumed.',
    );
    const json = JSON.parse((await cli(['waits', '--json'], env)).stdout) as {
      threadId: string;
      deadlinePassed?: true;
    }[];
    expect(json.map((row) => [row.threadId, row.deadlinePassed]).sort()).toEqual([
      ['new', undefined],
      ['old', true],
    ]);
    expect((await cli(['show', 'old'], env)).stdout).toMatch(
      /, deadline passed \d{4}-.*: a reply now is refused/,
    );
    expect((await cli(['show', 'new'], env)).stdout).toMatch(/, times out \d{4}-/);
  });

  it('needs the agent module for send, from --agent or AGENTCHART_AGENT', async () => {
    await cli(['run', agentModule, '--input', '{"ticket":"t","amount":900}', '--thread', 'x']);
    const result = await cli(['send', 'x', '--reply', '{"approved":true}']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('pass --agent <module> or set AGENTCHART_AGENT');
  });

  it('says which threads exist when the thread is unknown, and refuses an ended one', async () => {
    await cli(['run', agentModule, '--input', '{"ticket":"t","amount":1}', '--thread', 'e']);
    const unknown = await cli(['send', 'nope', '--reply', '{}', '--agent', agentModule]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('No thread "nope"');
    expect(unknown.stderr).toContain('agentchart runs');
    const ended = await cli(['send', 'e', '{"type":"poke"}', '--agent', agentModule]);
    expect(ended.exitCode).toBe(2);
    expect(ended.stderr).toContain('already ended (done)');
  });
});

describe('agentchart resume', () => {
  it('continues a thread left running from its checkpoint, answering what finished from the journal', async () => {
    const { createAgent: _unused, ...core } = await import('@agentchart/core');
    const { refunds } = await import('./__fixtures__/refund-agent');
    const checkpointer = new core.SqliteCheckpointer({ path: join(dir, '.agentchart/runs.db') });
    // A first process is stopped while its model call is in flight: the thread stays
    // "running" in the store, with no live owner.
    control.latencyMs = 60_000;
    const first = refunds.create({ checkpointer });
    first.start({ threadId: 'r', input: { ticket: 't-7', amount: 40 } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await first.close({ timeoutMs: 0 });
    checkpointer.close();
    control.latencyMs = 0;

    const runs = await cli(['runs']);
    expect(runs.stdout).toMatch(/r\s+running/);
    const resumed = await cli(['resume', '--all', '--agent', agentModule, '--json']);
    expect(resumed.exitCode).toBe(0);
    expect(JSON.parse(resumed.stdout)).toEqual([
      {
        threadId: 'r',
        status: 'done',
        detail: '{"category":"refund","amount":40}',
        // The whole outcome, as `resume r --json` prints it: the detail is cut for a table.
        outcome: expect.objectContaining({
          status: 'done',
          threadId: 'r',
          output: { category: 'refund', amount: 40 },
          usage: expect.objectContaining({ toolCalls: 1 }),
        }),
      },
    ]);
    expect(control.paid).toEqual([{ ticket: 't-7', amount: 40 }]);
    const again = await cli(['resume', 'r', '--agent', agentModule]);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toContain('Thread r already ended (done); there is nothing to resume');
  });

  it('resumes a family left running through its parent, not its child thread on its own', async () => {
    const { SqliteCheckpointer } = await import('@agentchart/core');
    const { deskAgent } = await import('./__fixtures__/delegating-agent');
    const checkpointer = new SqliteCheckpointer({ path: join(dir, '.agentchart/runs.db') });
    // The child's model call is in flight when the process goes: parent and child are both
    // stored "running", with no live owner.
    deskControl.latencyMs = 60_000;
    const first = deskAgent.create({ checkpointer });
    first.start({ threadId: 'p', input: { amount: 900 } });
    const child = 'p/0.desk.delegating#0';
    for (let tries = 0; tries < 200 && !(await checkpointer.latest(child)); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await first.close({ timeoutMs: 0 });
    checkpointer.close();
    deskControl.latencyMs = 0;

    // Both show their owner gone, but only the parent is to be resumed (it was "2 threads").
    const runs = await cli(['runs']);
    expect(runs.stdout).toMatch(/p\/0\.desk\.delegating#0\s+running \(owner gone\)/);
    expect(runs.stdout).toContain('1 thread was left running');
    expect(runs.stdout).toContain('agentchart resume p --agent <module>');
    const resumed = await cli(['resume', '--all', '--agent', deskModule, '--json']);
    // The child used to be resumed on its own too, refused (run.child_thread): exit 1.
    expect(JSON.parse(resumed.stdout)).toEqual([
      {
        threadId: 'p',
        status: 'waiting',
        detail: 'Send this refund note?',
        outcome: expect.objectContaining({
          status: 'waiting',
          waits: [expect.objectContaining({ prompt: 'Send this refund note?' })],
        }),
      },
    ]);
    expect(resumed.exitCode).toBe(0);
  });

  it("exits 2 when the thread's child agent was stored by another version of its chart, as for the thread's own", async () => {
    const env = { AGENTCHART_DB: join(dir, 'family.db') };
    const started = await cli(
      ['run', deskModule, '--input', '{"amount":900}', '--thread', 'p'],
      env,
    );
    expect(started.exitCode).toBe(3);
    // Was exit 1, "failed", as for a run that failed: the thread is not failed, it rests as
    // it was until a deploy brings the child's migrate.
    for (const args of [
      ['resume', 'p', '--agent', nextDeskModule],
      ['send', 'p', '--reply', '{"approved":true}', '--agent', nextDeskModule],
    ]) {
      const refused = await cli(args, env);
      expect(refused.exitCode).toBe(2);
      expect(refused.stdout + refused.stderr).toContain('agentActor({ migrate })');
    }
    const runs = JSON.parse((await cli(['runs', '--json'], env)).stdout);
    expect(runs.find((thread: { threadId: string }) => thread.threadId === 'p').status).toBe(
      'waiting',
    );
  });

  it('resumes --all --concurrency threads at once, and refuses a concurrency that is not a positive whole number', async () => {
    const { SqliteCheckpointer } = await import('@agentchart/core');
    const { refunds } = await import('./__fixtures__/refund-agent');
    const env = { AGENTCHART_DB: join(dir, 'many.db') };
    const checkpointer = new SqliteCheckpointer({ path: env.AGENTCHART_DB });
    // Twelve threads whose process went while their model calls were in flight.
    control.latencyMs = 60_000;
    const first = refunds.create({ checkpointer });
    for (let index = 0; index < 12; index++) {
      first.start({ threadId: `m${index}`, input: { ticket: `t-${index}`, amount: 10 } });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    await first.close({ timeoutMs: 0 });
    checkpointer.close();
    control.latencyMs = 0;
    control.toolLatencyMs = 300;
    control.mostRefundsAtOnce = 0;
    try {
      for (const bad of ['0', 'many', '2.5']) {
        const refused = await cli(
          ['resume', '--all', '--concurrency', bad, '--agent', agentModule],
          env,
        );
        expect(refused.exitCode).toBe(2);
        expect(refused.stderr).toContain(
          `--concurrency takes a positive whole number, got "${bad}"`,
        );
      }
      // Before: no such option (exit 2), and four threads at a time whatever their number.
      const resumed = await cli(
        ['resume', '--all', '--concurrency', '12', '--agent', agentModule, '--json'],
        env,
      );
      expect(resumed.exitCode).toBe(0);
      expect(JSON.parse(resumed.stdout)).toHaveLength(12);
      expect(control.mostRefundsAtOnce).toBe(12);
    } finally {
      control.toolLatencyMs = 0;
    }
  });

  it('refuses --all with a thread id, and --force with --all', async () => {
    expect((await cli(['resume', 'x', '--all', '--agent', agentModule])).exitCode).toBe(2);
    const forced = await cli(['resume', '--all', '--force', '--agent', agentModule]);
    expect(forced.exitCode).toBe(2);
    expect(forced.stderr).toContain('--force takes one thread');
  });
});

/** `agentchart run` of the refund agent, with a way to send it SIGINT or SIGTERM. */
function interruptibleRun(input: string, threadId: string) {
  const io = memoryContext({ cwd: dir });
  let listener: ((signal: 'SIGINT' | 'SIGTERM') => void) | undefined;
  io.context.onInterrupt = (listening) => {
    listener = listening;
    return () => {
      listener = undefined;
    };
  };
  const running = runCli(['run', agentModule, '--input', input, '--thread', threadId], io.context);
  return { io, running, interrupt: (signal: 'SIGINT' | 'SIGTERM') => listener?.(signal) };
}

describe('agentchart run interrupted', () => {
  it('hands the thread back on SIGTERM (exit 143) and it resumes where it was', async () => {
    control.latencyMs = 60_000;
    const { io, interrupt, running } = interruptibleRun('{"ticket":"t-5","amount":5}', 'i');
    await new Promise((resolve) => setTimeout(resolve, 200));
    interrupt('SIGTERM');
    expect(await running).toBe(143);
    expect(io.stderr()).toContain(
      `Interrupted. Thread i is kept as it was; continue it with: agentchart resume i --agent ${agentModule}`,
    );
    control.latencyMs = 0;
    const resumed = await cli(['resume', 'i', '--agent', agentModule]);
    expect(resumed.exitCode).toBe(0);
    expect(control.paid).toEqual([{ ticket: 't-5', amount: 5 }]);
  }, 20_000);

  it('hands the thread back at once on a second interrupt, without the grace period', async () => {
    control.latencyMs = 60_000;
    const { io, interrupt, running } = interruptibleRun('{"ticket":"t-8","amount":8}', 'twice');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const began = Date.now();
    interrupt('SIGINT');
    interrupt('SIGINT');
    expect(await running).toBe(130);
    // Before: the second interrupt was ignored and the command waited out its 5 s.
    expect(Date.now() - began).toBeLessThan(3_000);
    expect(io.stderr()).toContain('SIGINT again: handing thread twice back now');
    control.latencyMs = 0;
    expect((await cli(['resume', 'twice', '--agent', agentModule])).exitCode).toBe(0);
  }, 20_000);

  it('journals what a refund still paying returns as the thread is handed back, so the resume pays once and asks nobody', async () => {
    // Before: "tool pay_refund failed: … evicted", the step left unfinished though it paid,
    // and the resume, with no reconcile hook, failed the thread with effect.ambiguous.
    control.toolLatencyMs = 5_600;
    const { io, interrupt, running } = interruptibleRun('{"ticket":"t-6","amount":6}', 'h');
    await new Promise((resolve) => setTimeout(resolve, 300));
    interrupt('SIGTERM');
    expect(await running).toBe(143);
    expect(io.stderr()).toContain(
      "tool pay_refund still running as the thread is handed back (an unsafe tool's result is journaled when it returns; any other runs again on resume)",
    );
    expect(io.stderr()).not.toContain('pay_refund failed');
    // The command returned once the refund was journaled and the lease released.
    const resumed = await cli(['resume', 'h', '--agent', agentModule]);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stderr).toContain('from the journal (not run again)');
    expect(control.paid).toEqual([{ ticket: 't-6', amount: 6 }]);
  }, 20_000);
});
