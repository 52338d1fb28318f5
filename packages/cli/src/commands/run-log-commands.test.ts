import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  agentActor,
  createAgent,
  ModelCallError,
  type RunSummary,
  SqliteCheckpointer,
  structuredCall,
} from '@agentchart/core';
import { singleAttemptPolicy } from '@agentchart/core/reliability';
import { manualClock, scriptedModel } from '@agentchart/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import {
  runLogAgent,
  runLogMachine,
  runLogModels,
} from '../../../core/test/fixtures/run-log-agent';
import { runCli } from '../cli';
import { memoryContext } from '../testing';

let dir: string;
let database: string;
const t0 = Date.UTC(2026, 2, 1, 9);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-cli-runlog-'));
  database = join(dir, 'runs.db');
  const store = new SqliteCheckpointer({ path: database, synchronous: 'normal' });
  // Three threads of the fixture agent a day apart: two tenants, one answered, two waiting.
  for (const [index, tenantId] of ['acme', 'globex', 'acme'].entries()) {
    const agent = runLogAgent(store, { clock: manualClock(t0 + index * 86_400_000) });
    const threadId = `tender-${index + 1}`;
    await agent.start({ threadId, input: 'quay wall', tenantId }).result();
    if (index === 0) {
      await (
        await agent.send(threadId, { type: 'human.reply', value: { approved: true } })
      ).result();
    }
    await agent.close();
  }
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const io = memoryContext({ cwd: dir });
  const exitCode = await runCli([...args, '--db', database], io.context);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

const threadsOf = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s+/)[0]);

describe('agentchart runs', () => {
  it("lists each thread's agent, tenant, status, effects, calls, tokens, cost and failed steps, newest first", async () => {
    const { exitCode, stdout } = await cli('runs');
    expect(exitCode).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^thread\s+status\s+agent\s+tenant\s+effects\s+calls\s+tokens\s+cost\s+errors\s+updated$/,
    );
    expect(threadsOf(stdout)).toEqual([
      'tender-3',
      'tender-3/0.triage.delegating#0',
      'tender-2',
      'tender-2/0.triage.delegating#0',
      'tender-1',
      'tender-1/0.triage.delegating#0',
    ]);
    expect(lines[1]).toMatch(
      /^tender-3\s+waiting \(1 open wait\)\s+triage\s+acme\s+8\s+4\s+243\s+\$0\.00015\s+1\s+2026-03-03T09:00:00\.000Z$/,
    );
    expect(lines[5]).toMatch(/^tender-1\s+done\s+triage\s+acme\s+8\s+4\s+243\s+\$0\.00015\s+1\s/);
    expect(lines[6]).toMatch(
      /^tender-1\/0\.triage\.delegating#0\s+done\s+summariser\s+acme\s+1\s+1\s+13\s/,
    );
  });

  it('filters by status, agent, thread prefix, tenant and time, and limits', async () => {
    const ids = async (...args: string[]) => threadsOf((await cli('runs', ...args)).stdout);
    expect(await ids('--status', 'waiting')).toEqual(['tender-3', 'tender-2']);
    expect(await ids('--agent', 'summariser')).toEqual([
      'tender-3/0.triage.delegating#0',
      'tender-2/0.triage.delegating#0',
      'tender-1/0.triage.delegating#0',
    ]);
    expect(await ids('--thread', 'tender-2')).toEqual([
      'tender-2',
      'tender-2/0.triage.delegating#0',
    ]);
    expect(await ids('--tenant', 'globex', '--agent', 'triage')).toEqual(['tender-2']);
    expect(await ids('--since', '2026-03-02', '--until', '2026-03-03T00:00Z')).toEqual([
      'tender-2',
      'tender-2/0.triage.delegating#0',
    ]);
    const limited = await cli('runs', '--limit', '2');
    expect(threadsOf(limited.stdout).slice(0, 2)).toEqual([
      'tender-3',
      'tender-3/0.triage.delegating#0',
    ]);
    expect(limited.stdout).toContain('(the 2 most recently updated; more match');
    expect((await cli('runs', '--tenant', 'initech')).stdout).toMatch(
      /^No threads matching the filters in /,
    );
  });

  it('prints the same threads as JSON with --json', async () => {
    const { stdout } = await cli('runs', '--agent', 'triage', '--json');
    const runs = JSON.parse(stdout) as RunSummary[];
    expect(runs.map((run) => [run.threadId, run.waits])).toEqual([
      ['tender-3', 1],
      ['tender-2', 1],
      ['tender-1', 0],
    ]);
    expect(runs[0]).toMatchObject({
      agent: 'triage',
      tenantId: 'acme',
      status: 'waiting',
      steps: 8,
      modelCalls: 4,
      inputTokens: 209,
      outputTokens: 34,
      errors: 1,
    });
    // The same figures as the table's row.
    expect(`$${runs[0]?.costUsd.toFixed(5)}`).toBe('$0.00015');
    expect((runs[0]?.inputTokens ?? 0) + (runs[0]?.outputTokens ?? 0)).toBe(243);
  });

  it('refuses a time or a limit it cannot read, with exit code 2', async () => {
    for (const args of [
      ['--since', 'yesterday'],
      ['--until', '3 fortnights'],
      ['--limit', '0'],
      ['--limit', 'all'],
    ]) {
      const { exitCode, stderr } = await cli('runs', ...args);
      expect(exitCode).toBe(2);
      expect(stderr).toMatch(/^agentchart: --(since|until|limit) "/);
    }
  });
});

describe('agentchart show', () => {
  it('shows the timeline of states and steps, with latency, tokens, cost, attempts and errors; a child agent one level in', async () => {
    const { exitCode, stdout } = await cli('show', 'tender-1');
    expect(exitCode).toBe(0);
    const lines = stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'thread   tender-1',
      'agent    triage (tenant acme)',
      expect.stringMatching(/^status {3}done \(checkpoint \d+, machine [0-9a-f]+\)$/),
      'state    "done"',
      'usage    5 model calls, 256 tokens, $0.00016, 2 tool calls, 5 steps',
    ]);
    const timeline = lines.slice(lines.findIndex((line) => line.startsWith('time ')));
    expect(timeline[0]).toMatch(
      /^time\s+step\s+kind\s+name\s+status\s+ms\s+tokens\s+cost\s+tries\s+cache\s+error$/,
    );
    const rows = timeline.slice(1).map((line) =>
      line
        .replace(/^\S+\s+/, '')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    expect(rows.filter(Boolean)).toEqual([
      'review.classifying state',
      '0.triage.review.classifying#0/0:llm llm small completed 0 15 $0.00001 1',
      '0.triage.review.classifying#0/1:llm llm strong completed 0 15 $0.00011 1',
      'researching state',
      '0.researching#0/0:llm llm small completed 0 15 $0.00001 1',
      '0.researching#0/1:tool:lookup tool lookup completed 0',
      '0.researching#0/2:tool:archive tool archive failed 0 tool.failed: Tool "archive" failed: archive offline',
      '0.researching#0/3:llm llm small completed 0 198 $0.00003 1',
      'delegating state',
      '0.triage.delegating#0/0:agent agent summariser completed 0',
      'summarising state',
      '0.summariser.summarising#0/0:llm llm small completed 0 13 $0.00001 1',
      'done state',
      'approving state',
      '0.triage.approving#0/0:human human human completed 0',
      'done state',
    ]);
    // The child's lines are indented one level further than the parent's.
    expect(timeline.find((line) => line.includes('0.summariser.summarising#0/0:llm'))).toMatch(
      /^\S+ {6}0\.summariser/,
    );
    expect(stdout).not.toContain('waiting for a human');
  });

  it('says which limit ended a thread, with its value and maximum, after the process is gone (issue 12)', async () => {
    const capped = join(dir, 'capped.db');
    const store = new SqliteCheckpointer({ path: capped });
    const agent = createAgent({
      machine: runLogMachine,
      models: runLogModels(),
      checkpointer: store,
      modelPolicy: singleAttemptPolicy,
      limits: { maxModelCalls: 2 },
    });
    const outcome = await agent.run({ threadId: 'capped', input: 'quay wall' });
    await agent.close();
    store.close();
    expect(outcome.status).toBe('limit');

    const show = async (...args: string[]) => {
      const io = memoryContext({ cwd: dir });
      expect(await runCli(['show', 'capped', ...args, '--db', capped], io.context)).toBe(0);
      return io.stdout();
    };
    const stdout = await show();
    expect(stdout.split('\n').slice(2, 4)).toEqual([
      expect.stringMatching(/^status {3}limit \(checkpoint/),
      // Its third call was refused before it was sent: the value counts it (ADR 0072).
      'limit    maxModelCalls reached: 3 against a maximum of 2',
    ]);
    const json = JSON.parse(await show('--json'));
    expect(json.run.limit).toEqual({ limit: 'maxModelCalls', value: 3, max: 2 });
  });

  it('shows why a child agent that did not finish done ended, on the step that ran it (issue 12)', async () => {
    const child = setup({
      actors: {
        answer: structuredCall({ model: 'fast', schema: z.object({}), prompt: () => 'Go.' }),
      },
    }).createMachine({
      id: 'helper',
      initial: 'answering',
      states: {
        answering: { invoke: { id: 'answer', src: 'answer', onDone: 'answered' } },
        answered: { type: 'final' },
      },
    });
    const parent = setup({
      actors: { delegate: agentActor({ machine: child, input: z.any(), output: z.any() }) },
    }).createMachine({
      id: 'boss',
      initial: 'delegating',
      states: {
        delegating: { invoke: { id: 'delegate', src: 'delegate', onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const database = join(dir, 'child-failed.db');
    const store = new SqliteCheckpointer({ path: database });
    const refusing = scriptedModel({
      responses: [
        { error: new ModelCallError({ kind: 'bad_request', message: 'no such parameter' }) },
      ],
    });
    const agent = createAgent({
      machine: parent,
      models: { fast: refusing },
      checkpointer: store,
      modelPolicy: singleAttemptPolicy,
    });
    expect((await agent.run({ threadId: 'boss-1', input: undefined })).status).toBe('done');
    await agent.close();
    store.close();

    const io = memoryContext({ cwd: dir });
    expect(await runCli(['show', 'boss-1', '--db', database], io.context)).toBe(0);
    const step = io
      .stdout()
      .split('\n')
      .find((line) => line.includes('delegate#0/0:agent'));
    expect(step).toMatch(/completed .*model\.bad_request: child agent failed: .*no such parameter/);
  });

  it("shows a waiting thread's prompt, the reply's shape and the command that answers it", async () => {
    const { exitCode, stdout } = await cli('show', 'tender-2');
    expect(exitCode).toBe(0);
    expect(stdout).toContain('status   waiting');
    const wait = stdout.slice(stdout.indexOf('waiting for a human'));
    expect(wait.split('\n')).toEqual([
      'waiting for a human',
      '  wait     0.triage.approving#0/0:human',
      '  state    approving, since 2026-03-02T09:00:00.000Z, no deadline',
      '  prompt   Bid on "quay wall"?',
      '  reply    {"type":"object","properties":{"approved":{"type":"boolean"},"note":{"type":"string"}},"required":["approved"]}',
      `  answer   agentchart send tender-2 --reply '{"approved":true}' --agent <module> --db ${database}`,
      '',
    ]);
  });

  it('prints the thread, its timeline and its waits as one JSON object with --json', async () => {
    const { stdout } = await cli('show', 'tender-2', '--json');
    const shown = JSON.parse(stdout);
    expect(shown).toMatchObject({
      threadId: 'tender-2',
      agent: 'triage',
      tenantId: 'globex',
      status: 'waiting',
      state: 'approving',
      waits: [
        {
          waitId: '0.triage.approving#0/0:human',
          prompt: 'Bid on "quay wall"?',
          replySchema: { required: ['approved'] },
          command: expect.stringMatching(/^agentchart send tender-2 --reply/),
        },
      ],
    });
    const steps = shown.timeline.filter((item: { type: string }) => item.type === 'step');
    expect(steps).toHaveLength(9);
    expect(steps[1].row).toMatchObject({ model: 'strong', escalated: true, confidence: 0.9 });
  });
});
