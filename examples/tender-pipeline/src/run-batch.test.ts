import { describe, expect, it } from 'vitest';
import { formatTable } from './format-table';
import { pipelineModels } from './models';
import { runBatch } from './run-batch';
import { sampleTenders } from './tenders';

describe('runBatch on the embedded demo model', () => {
  it('takes every path over the sample tenders and reports each stop reason', async () => {
    const models = await pipelineModels({ DEMO_LATENCY_MS: '0' });
    const lines: string[] = [];
    const reports = await runBatch({
      tenders: sampleTenders,
      models,
      onProgress: (line) => lines.push(line),
    });
    const outcomes = Object.fromEntries(reports.map((report) => [report.tenderId, report.outcome]));
    expect(outcomes).toEqual({
      'T-101': 'bid_ready',
      'T-102': 'filtered_out',
      'T-103': 'bid_ready',
      'T-104': 'rated_low',
      'T-105': 'filtered_out',
      'T-106': 'filtered_out',
      'T-107': 'bid_ready',
      'T-108': 'bid_ready',
      'T-109': 'filtered_out',
      'T-110': 'failed',
    });
    const byId = new Map(reports.map((report) => [report.tenderId, report]));
    expect(byId.get('T-106')?.stopReason).toBe('confidence 0.55 < 0.6');
    expect(byId.get('T-110')?.stopReason).toContain('tool.failed');
    // T-108's first rating lacked risks: re-asked once, so one more model call than T-101.
    expect(byId.get('T-108')?.modelCalls).toBe((byId.get('T-101')?.modelCalls ?? 0) + 1);
    expect(lines.some((line) => line.includes('↺ re-asked'))).toBe(true);
    expect(lines.some((line) => line.includes('invalid call sent back'))).toBe(true);
    expect(reports.every((report) => report.tokens > 0)).toBe(true);
    const table = formatTable(reports);
    expect(table).toContain('outcomes: 4 bid_ready, 4 filtered_out, 1 rated_low, 1 failed');
  });
});
