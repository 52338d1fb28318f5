import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteCheckpointer } from '@agentchart/core';
import { afterEach, describe, expect, it } from 'vitest';
import { formatTable } from './format-table';
import { pipelineModels } from './models';
import { runBatch } from './run-batch';
import { sampleTenders } from './tenders';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the demo batch and its run log', () => {
  it('sums, in SQL over effect_log, to the tokens and cost the demo prints (issue 12)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentchart-demo-log-'));
    const path = join(dir, 'runs.db');
    const checkpointer = new SqliteCheckpointer({ path, synchronous: 'normal' });
    const models = await pipelineModels({ DEMO_LATENCY_MS: '0' });
    const reports = await runBatch({
      tenders: sampleTenders,
      models,
      checkpointer,
      batchId: 'demo',
    });
    checkpointer.close();
    // What the demo prints: the table's totals line.
    const total = formatTable(reports)
      .split('\n')
      .find((line) => line.startsWith('total'));
    const [, printedTokens, printedCost] = /\s(\d+)\s+\$(\d+\.\d+)\s/.exec(total ?? '') ?? [];
    const db = new DatabaseSync(path, { readOnly: true });
    const sums = db
      .prepare(
        'SELECT sum(cost_usd) AS cost, sum(input_tokens + output_tokens) AS tokens FROM effect_log',
      )
      .get() as { cost: number; tokens: number };
    db.close();
    expect(sums.tokens).toBeGreaterThan(0);
    expect(String(sums.tokens)).toBe(printedTokens);
    expect(sums.cost.toFixed(5)).toBe(printedCost);
    // Not only as printed: to the last bit of the sum of every run's own usage.
    expect(sums.tokens).toBe(reports.reduce((sum, report) => sum + report.tokens, 0));
    expect(sums.cost).toBeCloseTo(
      reports.reduce((sum, report) => sum + report.costUsd, 0),
      12,
    );
  });
});
