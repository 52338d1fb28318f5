import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Row } from '../types';
import { timedWorkloads } from '../workloads/timed-workloads';
import { childExecArgv } from './child-process';
import { errorRow } from './time-cases';

const childEntry = fileURLToPath(new URL('../child.ts', import.meta.url));

/** What a timing child answers. */
type Reply =
  | { type: 'ready' }
  | { type: 'round'; meanMs: number; samples: number }
  | { type: 'measured'; metrics: Record<string, number> }
  | { type: 'error'; message: string };

/** Options of {@link timeInProcesses}. */
export interface TimeInProcessesOptions {
  /** Time budget per variant, in ms, over all rounds. */
  timeMs: number;
  /** Rounds the budget is split into. Default 7. */
  rounds?: number;
  /**
   * Time each child runs its variant untimed before its first round, in ms. Default 2,000:
   * with less, V8 is still compiling and sizing its heap, the rounds get faster one after
   * another, and the median round measures how fast each variant warms up (a small reference
   * like raw XState warms fastest, so its ratios are flattered or blurred by turns).
   */
  warmupMs?: number;
  /** Given to the workload in every child (sizes, durability …). */
  options?: Record<string, unknown>;
}

/** One timing child, spoken to one request at a time. */
class TimingChild {
  readonly #child: ChildProcess;
  #stderr = '';
  #pending: ((reply: Reply) => void) | undefined;

  constructor(workload: string, variant: string, options: object) {
    this.#child = fork(childEntry, ['timed', workload, variant, JSON.stringify(options)], {
      execArgv: childExecArgv(),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.#child.stderr?.on('data', (chunk) => {
      this.#stderr = (this.#stderr + chunk).slice(-2_000);
    });
    this.#child.on('message', (reply) => {
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.(reply as Reply);
    });
    this.#child.on('exit', (code, signal) => {
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.({
        type: 'error',
        message: `child exited ${code ?? signal}: ${this.#stderr.trim().slice(-500)}`,
      });
    });
  }

  /** Sends a request and waits for its one reply. */
  ask(request: object, timeoutMs = 300_000): Promise<Reply> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending = undefined;
        this.#child.kill('SIGKILL');
        resolve({ type: 'error', message: `child gave no answer in ${timeoutMs} ms` });
      }, timeoutMs);
      this.#pending = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.#child.send(request);
    });
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.send({ type: 'close' });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Times each variant of a workload in its own process, so no variant's heap, JIT state or
 * loaded libraries weigh on another's figures. The children live for the whole workload and
 * are timed in rounds, every variant once a round in alternating order, so a change in the
 * machine's load while the workload runs hits every variant alike. A row reports the median
 * of its rounds' mean latencies and their spread; ratios are taken round by round (see
 * `roundRatio`). A variant whose run throws (or whose child dies) becomes an `error` row.
 * `workload` names an entry of `timedWorkloads`; its rows carry `label` (default: the same).
 */
export async function timeInProcesses(
  workload: keyof typeof timedWorkloads,
  { timeMs, rounds = 7, warmupMs = 2_000, options = {} }: TimeInProcessesOptions,
  label: string = workload,
): Promise<Row[]> {
  const listed = timedWorkloads[workload](options);
  const rows: Row[] = [];
  const children = new Map<string, TimingChild>();
  const means = new Map<string, number[]>();
  const samples = new Map<string, number>();
  const failed = new Map<string, string>();
  try {
    for (const { variant } of listed) {
      const child = new TimingChild(workload, variant, options);
      children.set(variant, child);
      const reply = await child.ask({ type: 'setup' });
      if (reply.type === 'error') failed.set(variant, reply.message);
      means.set(variant, []);
      samples.set(variant, 0);
    }
    for (let round = 0; round < rounds; round++) {
      const live = listed.filter(({ variant }) => !failed.has(variant));
      // Alternate the order so no variant always runs right after the same neighbour.
      const ordered = round % 2 === 0 ? live : [...live].reverse();
      for (const { variant } of ordered) {
        const reply = await children
          .get(variant)!
          .ask({ type: 'round', timeMs: timeMs / rounds, warmupMs: round === 0 ? warmupMs : 0 });
        if (reply.type === 'round') {
          means.get(variant)!.push(reply.meanMs);
          samples.set(variant, samples.get(variant)! + reply.samples);
        } else if (reply.type === 'error') failed.set(variant, reply.message);
      }
    }
    for (const entry of listed) {
      const { variant, steps, note } = entry;
      const error = failed.get(variant);
      if (error !== undefined) {
        rows.push(errorRow(label, variant, error));
        continue;
      }
      const measured = await children.get(variant)!.ask({ type: 'measure' });
      const extra = measured.type === 'measured' ? measured.metrics : {};
      const roundMeans = means.get(variant)!;
      const middle = median(roundMeans);
      rows.push({
        workload: label,
        variant,
        status: 'ok',
        metrics: {
          usPerStep: (middle * 1000) / steps,
          usPerRun: middle * 1000,
          bestRoundUsPerRun: Math.min(...roundMeans) * 1000,
          spreadPercent: ((Math.max(...roundMeans) - Math.min(...roundMeans)) / middle) * 100,
          samples: samples.get(variant)!,
          ...extra,
        },
        roundsUsPerRun: roundMeans.map((mean) => mean * 1000),
        ...(note ? { note } : {}),
      });
    }
  } finally {
    await Promise.all([...children.values()].map((child) => child.close()));
  }
  const rank = new Map(listed.map(({ variant }, index) => [variant, index]));
  return rows.sort((a, b) => (rank.get(a.variant) ?? 0) - (rank.get(b.variant) ?? 0));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
