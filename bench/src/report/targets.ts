import { roundRatio, roundRatios } from '../measure/time-cases';
import type { Row, TargetResult } from '../types';
import { formatBytes } from './format-bytes';
import { growthRatio } from './growth-table';

type Find = (workload: string, variant: string) => Row | undefined;

/** A ratio of one row's metric to another's, or undefined when either was not measured. */
function ratio(find: Find, workload: string, variant: string, reference: string, metric: string) {
  const row = find(workload, variant);
  const base = find(workload, reference);
  if (row?.status !== 'ok' || base?.status !== 'ok') return undefined;
  // Per step and per run are the same ratio: both rows take the same steps.
  return roundRatio(row, base, metric === 'usPerStep' ? 'usPerRun' : metric);
}

/**
 * `value` against `reference`, with the lowest and highest of its rounds' ratios when it has
 * several: a verdict whose rounds straddle the limit is the machine's as much as the code's.
 */
function showRatio(
  find: Find,
  workload: string,
  variant: string,
  reference: string,
  metric: string,
): (value: number) => string {
  return (value) => {
    const row = find(workload, variant);
    const base = find(workload, reference);
    const ratios =
      row && base
        ? roundRatios(row, base, metric === 'usPerStep' ? 'usPerRun' : metric)
        : undefined;
    const spread =
      ratios && ratios.length > 1
        ? ` (rounds ${times(Math.min(...ratios))}–${times(Math.max(...ratios))})`
        : '';
    return `${times(value)} ${reference}${spread}`;
  };
}

/** The first of these rows that was measured. */
function firstMeasured(find: Find, workload: string, variants: string[]): Row | undefined {
  return variants.map((variant) => find(workload, variant)).find((row) => row?.status === 'ok');
}

function judge(
  target: string,
  value: number | undefined,
  limit: number,
  show: (value: number) => string,
): TargetResult {
  if (value === undefined) return { target, measured: 'not measured', verdict: 'pending' };
  return { target, measured: show(value), verdict: value <= limit ? 'met' : 'missed' };
}

const times = (value: number) => `${value.toFixed(2)}×`;

/** `agentchart (toolCall per state, journaled)` → `toolCall per state, journaled`. */
const label = (variant: string) => variant.replace(/^agentchart \((.*)\)$/, '$1');

const agentchartChainVariants = [
  'agentchart (promise actor per state)',
  'agentchart (toolCall per state, journaled)',
];

/** The targets (issue 11), judged on this run's rows. */
export function evaluateTargets(rows: readonly Row[]): TargetResult[] {
  const find: Find = (workload, variant) =>
    rows.find((row) => row.workload === workload && row.variant === variant);
  const results: TargetResult[] = [];

  for (const [variant, limit] of [
    [agentchartChainVariants[0]!, 1.3],
    [agentchartChainVariants[1]!, 1.6],
  ] as const) {
    results.push(
      judge(
        `chain10 memory, ${label(variant)}: ≤ ${limit}× raw XState per step`,
        ratio(find, 'chain10 memory', variant, 'raw XState', 'usPerStep'),
        limit,
        showRatio(find, 'chain10 memory', variant, 'raw XState', 'usPerStep'),
      ),
    );
  }
  for (const [workload, durability] of [
    ['chain10 durable', 'no fsync per commit'],
    ['chain10 durable, default durability', 'fsync per commit'],
  ] as const) {
    for (const variant of agentchartChainVariants) {
      results.push(
        judge(
          `${workload}, ${label(variant)} + SQLite: ≤ 1.5× raw XState + SQLite per step (${durability})`,
          ratio(find, workload, `${variant} + SQLite`, 'raw XState + SQLite', 'usPerStep'),
          1.5,
          showRatio(find, workload, `${variant} + SQLite`, 'raw XState + SQLite', 'usPerStep'),
        ),
      );
    }
  }
  results.push(
    judge(
      'react5: ≤ 1.5× raw XState',
      ratio(find, 'react5', 'agentchart (toolLoop)', 'raw XState', 'usPerRun'),
      1.5,
      showRatio(find, 'react5', 'agentchart (toolLoop)', 'raw XState', 'usPerRun'),
    ),
  );
  results.push(
    judge(
      'fanout: wall ≤ 1.5× raw XState',
      ratio(find, 'fanout', 'agentchart (structuredCall)', 'raw XState', 'wallMs'),
      1.5,
      showRatio(find, 'fanout', 'agentchart (structuredCall)', 'raw XState', 'wallMs'),
    ),
  );
  results.push(
    judge(
      'fanout: peak RSS ≤ 1.2× raw XState',
      ratio(find, 'fanout', 'agentchart (structuredCall)', 'raw XState', 'peakRssMb'),
      1.2,
      showRatio(find, 'fanout', 'agentchart (structuredCall)', 'raw XState', 'peakRssMb'),
    ),
  );
  // Memory per waiting run, at the largest number of runs the row waited at once.
  const waitingRun = (target: string, variant: string, limit: number) => {
    const row = find('suspended', variant);
    return judge(
      target,
      row?.status === 'ok' ? row.metrics.bytesInMemoryPerRun : undefined,
      limit,
      (value) => `${formatBytes(value)} at ${row?.metrics.size?.toLocaleString('en-US')} runs`,
    );
  };
  results.push(
    waitingRun(
      "suspended: a waiting run on createAgent's defaults, no durable store (evicted into the in-memory store) ≤ 4 KB in the process",
      'agentchart (humanWait, in-memory store)',
      4096,
    ),
    waitingRun(
      'suspended: a waiting run held live (evictWaiting: false) ≤ 4 KB in the process',
      'agentchart (humanWait, held live: evictWaiting false) + SQLite',
      4096,
    ),
    waitingRun(
      'suspended: with a durable store, waiting runs are evicted by default (≤ 1 KB in the process)',
      'agentchart (humanWait) + SQLite',
      1024,
    ),
  );
  for (const [workload, store] of [
    ['growth: chain', 'in memory'],
    ['growth: chain, SQLite', 'on SQLite'],
  ] as const) {
    for (const variant of agentchartChainVariants) {
      const family = store === 'on SQLite' ? `${variant} + SQLite` : variant;
      results.push(
        judge(
          `growth, ${label(variant)} ${store}: a 1,000-step chain ≤ 1.5× the per-step cost of a 10-step one`,
          growthRatio(rows, workload, family),
          1.5,
          (value) =>
            `${times(value)} (raw XState: ${formatRatio(growthRatio(rows, workload, store === 'on SQLite' ? 'raw XState + SQLite' : 'raw XState'))})`,
        ),
      );
    }
  }
  results.push(
    judge(
      'growth, toolLoop: per model call flat from 5 to 200 tool calls (≤ 1.5×)',
      growthRatio(rows, 'growth: tool loop', 'agentchart (toolLoop)'),
      1.5,
      (value) =>
        `${times(value)} (raw XState: ${formatRatio(growthRatio(rows, 'growth: tool loop', 'raw XState'))})`,
    ),
  );
  for (const [name, variants] of [
    [
      'history in context',
      [
        'agentchart (history in context) + SQLite',
        'agentchart (history in context), in-memory store',
      ],
    ],
    [
      'history inside one toolLoop',
      [
        'agentchart (history inside one toolLoop) + SQLite',
        'agentchart (history inside one toolLoop), in-memory store',
      ],
    ],
  ] as const) {
    const row = firstMeasured(find, 'history growth', [...variants]);
    results.push(
      judge(
        `history growth, ${name}: bytes per step follow the message, not the history (last 10 steps ≤ 1.5× first 10)`,
        row?.metrics.growth,
        1.5,
        (value) =>
          `${times(value)} (${row?.variant}; ${formatBytes(row?.metrics.lastStepsBytesPerStep ?? 0)}/step at the end)`,
      ),
    );
  }
  return results;
}

function formatRatio(value: number | undefined): string {
  return value === undefined ? 'not measured' : times(value);
}
