/**
 * @module child
 * The child-process side of the workloads. `child.ts timed <workload> <variant> <options>`
 * serves one variant of a timed workload to its parent over IPC (see `timeInProcesses`);
 * `child.ts <workload> <variant> <options JSON>` runs one variant of a memory workload and
 * prints its metrics as one JSON line.
 */
import type { ChildResult } from './measure/child-process';
import { serveTimedVariant } from './measure/serve-timed-variant';

type ChildMain = (variant: string, options: any) => Promise<Record<string, number>>;

const workloads: Record<string, () => Promise<ChildMain>> = {
  fanout: async () => (await import('./workloads/fanout/fanout-child')).fanoutChild,
  suspended: async () => (await import('./workloads/suspended/suspended-child')).suspendedChild,
};

const [mode = '', ...rest] = process.argv.slice(2);
if (mode === 'timed') {
  const [workload = '', variant = '', options = '{}'] = rest;
  serveTimedVariant(workload, variant, JSON.parse(options));
} else {
  const [variant = '', options = '{}'] = rest;
  let result: ChildResult;
  try {
    const main = await workloads[mode]?.();
    if (!main) throw new Error(`no child workload "${mode}"`);
    result = { ok: true, metrics: await main(variant, JSON.parse(options)) };
  } catch (error) {
    result = {
      ok: false,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
  process.exit(0);
}
