import type { ChatMessage } from '@agentchart/core';
import { createAgent, MemoryCheckpointer, SqliteCheckpointer } from '@agentchart/core';
import { estimateTokenCounter } from '@agentchart/core/budget';
import { describe, expect, it, vi } from 'vitest';
import { fromPromise } from 'xstate';
import { openAgentchartSqlite } from './stores/agentchart-sqlite';
import { sqliteFileBytes } from './stores/sqlite-file-bytes';
import { tempDir } from './stores/temp-dir';
import { chainMachine, incrementActor, incrementToolCall } from './workloads/chain10/chain-machine';
import { runAgentchartChain } from './workloads/chain10/chain10';
import { agentchartSaves } from './workloads/checkpoint/checkpoint-write';
import { cacheHit } from './workloads/context/cache-hit';
import { tokenCounting } from './workloads/context/token-counting';
import { agentchartFanout } from './workloads/fanout/fanout-agentchart';
import { historySteps, message } from './workloads/history/byte-meter';
import { opening, wholeConversationMetadata } from './workloads/history/chat-script';
import {
  agentchartContextHistory,
  agentchartLoopHistory,
} from './workloads/history/history-agentchart';
import { agentchartSuspended } from './workloads/suspended/suspended-agentchart';
import { timedWorkloads } from './workloads/timed-workloads';

/** Runs `body` with core's SQLite checkpointer on a throwaway file. */
async function withSqlite(body: (store: ReturnType<typeof openAgentchartSqlite>) => Promise<void>) {
  const dir = tempDir('smoke');
  const store = openAgentchartSqlite(dir.file('agentchart.db'));
  try {
    await body(store);
  } finally {
    store.close();
    dir.remove();
  }
}

// Each workload's agentchart variant at a small size, with its own result check: a benchmark
// that breaks fails here, in CI, instead of printing a fast number. No timing is asserted.
describe('benchmark workloads (agentchart variants)', () => {
  it('chain10 runs ten steps logging each, on the raw machine and with a journaled tool per state', async () => {
    await runAgentchartChain(createAgent({ machine: chainMachine(incrementActor) }), 'promise');
    await runAgentchartChain(createAgent({ machine: chainMachine(incrementToolCall) }), 'toolCall');
  });

  it('chain10 refuses a run that skipped work, so a broken variant cannot look fast', async () => {
    const idle = chainMachine(fromPromise<number, number>(async ({ input }) => input));
    await expect(runAgentchartChain(createAgent({ machine: idle }), 'idle')).rejects.toThrow(
      /expected 10 of each/,
    );
  });

  it('every timed variant of every timed workload runs and checks its result', async () => {
    const options: Record<string, Record<string, unknown>> = {
      'growth chain': { sizes: [3, 5], store: 'sqlite' },
      'growth tool loop': { sizes: [2, 4] },
    };
    for (const [workload, variants] of Object.entries(timedWorkloads)) {
      for (const variant of variants(options[workload] ?? {})) {
        const built = await variant.setup();
        try {
          await built.run();
          await built.run();
          const measured = (await built.measure?.()) ?? {};
          for (const value of Object.values(measured)) expect(value).toBeGreaterThan(0);
        } finally {
          await built.close?.();
        }
      }
    }
  }, 60_000);

  it('fanout runs concurrent three-step runs, each under its own id', async () => {
    await agentchartFanout(5);
  });

  it('suspended runs prepare, come to rest waiting, are stored, and finish on a reply', async () => {
    const ids = ['a', 'b', 'c'];
    for (const evictWaiting of [false, true]) {
      const variant = agentchartSuspended({ checkpointer: new MemoryCheckpointer(), evictWaiting });
      await variant.suspend(ids);
      expect(await variant.storedBytes(ids)).toBeGreaterThan(0);
      await variant.replyAndCheck(ids);
    }
    await withSqlite(async (checkpointer) => {
      const variant = agentchartSuspended({ checkpointer });
      await variant.suspend(ids);
      await variant.replyAndCheck(ids);
    });
  });

  it('suspended on SQLite weighs the file while the store is open, and the runs still finish', async () => {
    // As the suspended child does: the file is sized between the waits and the replies, and
    // sizing it must leave the store's write-ahead log where it is.
    const dir = tempDir('smoke');
    const path = dir.file('agentchart.db');
    const checkpointer = new SqliteCheckpointer({ path });
    try {
      const ids = ['a', 'b', 'c'];
      const variant = agentchartSuspended({ checkpointer });
      await variant.suspend(ids);
      expect(sqliteFileBytes(path, 'node:sqlite')).toBeGreaterThan(0);
      await variant.replyAndCheck(ids);
    } finally {
      checkpointer.close();
      dir.remove();
    }
  });

  it('history growth meters every step of the conversation, in memory and on SQLite', async () => {
    // Its model has a window and no price (the workload measures bytes, not cost): each agent
    // says so once, as a user's would.
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    for (const run of [agentchartContextHistory, agentchartLoopHistory]) {
      for (const store of ['memory', 'sqlite'] as const) {
        const { meter, storedBytes } = await run(store, 20);
        expect(meter.perStep).toHaveLength(20);
        expect(meter.perStep.every((bytes) => bytes > 0)).toBe(true);
        expect(storedBytes).toBeGreaterThan(0);
      }
    }
    expect(warned.mock.calls.map(([, options]) => options)).toEqual(
      Array(4).fill({ code: 'AGENTCHART_MODEL_UNKNOWN_PRICE' }),
    );
  });

  it('history growth plans its full conversation within the model window, so nothing is trimmed', () => {
    // The 400-step run broke when every model call started going through the context budget.
    const conversation: ChatMessage[] = [opening];
    for (let index = 0; index < historySteps; index++) {
      conversation.push({ role: 'assistant', content: message(index) });
    }
    const tokens = estimateTokenCounter.countMessages(conversation);
    // The planner keeps 5% free for an estimate, and reserves up to 4,096 output tokens.
    expect(tokens + 4_096).toBeLessThan(wholeConversationMetadata.contextWindow * 0.95);
  });

  it('token counting and cache hit check every variant against the exact answer', async () => {
    for (const rows of [await tokenCounting({ timeMs: 10 }), await cacheHit({ timeMs: 10 })]) {
      expect(rows.filter((row) => row.status !== 'ok')).toEqual([]);
    }
  });

  it('checkpoint write saves consecutive versions of a thread', async () => {
    const store = new MemoryCheckpointer();
    const save = agentchartSaves(store);
    for (let index = 0; index < 3; index++) await save();
    expect((await store.latest('t0'))?.version).toBe(3);
  });
});
