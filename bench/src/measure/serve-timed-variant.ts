import { Bench } from 'tinybench';
import { timedWorkloads } from '../workloads/timed-workloads';
import type { TimedRun } from './timed-variant';

type Request =
  | { type: 'setup' }
  | { type: 'round'; timeMs: number; warmupMs: number }
  | { type: 'measure' }
  | { type: 'close' };

/**
 * The child side of `timeInProcesses`: builds one variant of one timed workload, checks it
 * with a first run, then times a round whenever the parent asks (tinybench, this variant
 * alone in the process), and answers each request with one message.
 */
export function serveTimedVariant(workload: string, variant: string, options: object): void {
  const make = timedWorkloads[workload as keyof typeof timedWorkloads];
  const spec = make?.(options as Record<string, unknown>).find((item) => item.variant === variant);
  let built: TimedRun | undefined;
  const reply = (message: object) => process.send?.(message);
  const failure = (error: unknown) =>
    reply({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  process.on('message', async (request: Request) => {
    try {
      switch (request.type) {
        case 'setup': {
          if (!spec) throw new Error(`no timed variant "${variant}" in workload "${workload}"`);
          built = await spec.setup();
          await built.run();
          reply({ type: 'ready' });
          break;
        }
        case 'round': {
          const bench = new Bench({
            time: request.timeMs,
            warmup: request.warmupMs > 0,
            warmupTime: request.warmupMs,
            iterations: 5,
          });
          bench.add(variant, () => built!.run());
          await bench.run();
          const result = bench.getTask(variant)?.result;
          if (result?.state !== 'completed') {
            throw result && 'error' in result ? result.error : new Error('did not complete');
          }
          reply({
            type: 'round',
            meanMs: result.latency.mean,
            samples: result.latency.samplesCount,
          });
          break;
        }
        case 'measure':
          reply({ type: 'measured', metrics: (await built?.measure?.()) ?? {} });
          break;
        case 'close':
          await built?.close?.();
          process.exit(0);
      }
    } catch (error) {
      failure(error);
    }
  });
}
