import { Bench } from 'tinybench';
import type { Row } from '../types';
import { median } from './memory';

/** One variant of a timed workload. */
export interface TimedCase {
  variant: string;
  /** Steps one call of `run` takes; the row's figure is per step. */
  steps: number;
  /** One whole run. Throws when its result is wrong, so a broken variant cannot look fast. */
  run(): Promise<void>;
  note?: string;
}

/** Options of {@link timeCases}. */
export interface TimeCasesOptions {
  /** Time budget per case, in ms, over all rounds. */
  timeMs: number;
  /** Rounds the budget is split into. Default 7. */
  rounds?: number;
}

/**
 * Times each case with tinybench, side by side in the same process: the budget is split into
 * rounds that take every case in turn, so a change in the machine's load while the workload
 * runs (other processes on a shared machine) hits every variant alike. A row reports the
 * median of its rounds' mean latencies and their spread. Each case is checked by a first
 * run; a case whose run throws becomes an `error` row with the message.
 */
export async function timeCases(
  workload: string,
  cases: readonly TimedCase[],
  { timeMs, rounds = 7 }: TimeCasesOptions,
): Promise<Row[]> {
  const rows: Row[] = [];
  const timed: TimedCase[] = [];
  for (const timedCase of cases) {
    try {
      await timedCase.run();
      timed.push(timedCase);
    } catch (error) {
      rows.push(errorRow(workload, timedCase.variant, error));
    }
  }
  const means = new Map<TimedCase, number[]>(timed.map((timedCase) => [timedCase, []]));
  const samples = new Map<TimedCase, number>(timed.map((timedCase) => [timedCase, 0]));
  const failed = new Map<TimedCase, unknown>();
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({
      time: timeMs / rounds,
      warmup: round === 0,
      warmupTime: Math.min(250, timeMs / 4),
      iterations: 10,
    });
    const live = timed.filter((timedCase) => !failed.has(timedCase));
    // Alternate the order so no variant always runs right after the same neighbour.
    const ordered = round % 2 === 0 ? live : [...live].reverse();
    for (const timedCase of ordered) bench.add(timedCase.variant, () => timedCase.run());
    await bench.run();
    for (const timedCase of ordered) {
      const result = bench.getTask(timedCase.variant)?.result;
      if (result?.state !== 'completed') {
        failed.set(timedCase, result && 'error' in result ? result.error : 'did not complete');
        continue;
      }
      means.get(timedCase)!.push(result.latency.mean);
      samples.set(timedCase, samples.get(timedCase)! + result.latency.samplesCount);
    }
  }
  for (const timedCase of timed) {
    if (failed.has(timedCase)) {
      rows.push(errorRow(workload, timedCase.variant, failed.get(timedCase)));
      continue;
    }
    const roundMeans = means.get(timedCase)!;
    const middle = median(roundMeans);
    rows.push({
      workload,
      variant: timedCase.variant,
      status: 'ok',
      metrics: {
        usPerStep: (middle * 1000) / timedCase.steps,
        usPerRun: middle * 1000,
        bestRoundUsPerRun: Math.min(...roundMeans) * 1000,
        spreadPercent: ((Math.max(...roundMeans) - Math.min(...roundMeans)) / middle) * 100,
        samples: samples.get(timedCase)!,
      },
      roundsUsPerRun: roundMeans.map((mean) => mean * 1000),
      ...(timedCase.note ? { note: timedCase.note } : {}),
    });
  }
  return order(rows, cases);
}

/** A row for a variant that failed its own check or threw. */
export function errorRow(workload: string, variant: string, error: unknown): Row {
  return {
    workload,
    variant,
    status: 'error',
    metrics: {},
    note: error instanceof Error ? error.message : String(error),
  };
}

function order(rows: Row[], cases: readonly TimedCase[]): Row[] {
  const rank = new Map(cases.map((timedCase, index) => [timedCase.variant, index]));
  return rows.sort((a, b) => (rank.get(a.variant) ?? 0) - (rank.get(b.variant) ?? 0));
}

/**
 * How many times slower `row` is than `reference`: the median of their per-round (or
 * per-pass) ratios, since both ran in the same round under the same load; else the ratio of
 * their medians.
 */
export function roundRatio(row: Row, reference: Row, metric = 'usPerRun'): number | undefined {
  const ratios = roundRatios(row, reference, metric);
  if (ratios) return median(ratios);
  const value = row.metrics[metric];
  const base = reference.metrics[metric];
  return value === undefined || !base ? undefined : value / base;
}

/**
 * `row`'s metric over `reference`'s, round by round (or pass by pass); undefined when the
 * two were not measured in the same rounds. Their spread says how far one run's verdict
 * can be trusted on a shared machine.
 */
export function roundRatios(row: Row, reference: Row, metric = 'usPerRun'): number[] | undefined {
  const rows = metric === 'usPerRun' ? row.roundsUsPerRun : row.passMetrics?.[metric];
  const references =
    metric === 'usPerRun' ? reference.roundsUsPerRun : reference.passMetrics?.[metric];
  if (!rows || !references || rows.length === 0 || rows.length !== references.length) {
    return undefined;
  }
  return rows.map((value, index) => value / references[index]!);
}
