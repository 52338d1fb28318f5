/**
 * @module child
 * The child-process side of the workloads that measure memory: `child.ts <workload> <variant>
 * <options JSON>` runs one variant and prints its metrics as one JSON line.
 */
import type { ChildResult } from './measure/child-process';

type ChildMain = (variant: string, options: any) => Promise<Record<string, number>>;

const workloads: Record<string, () => Promise<ChildMain>> = {
  fanout: async () => (await import('./workloads/fanout/fanout-child')).fanoutChild,
  suspended: async () => (await import('./workloads/suspended/suspended-child')).suspendedChild,
};

const [workload = '', variant = '', options = '{}'] = process.argv.slice(2);
let result: ChildResult;
try {
  const main = await workloads[workload]?.();
  if (!main) throw new Error(`no child workload "${workload}"`);
  result = { ok: true, metrics: await main(variant, JSON.parse(options)) };
} catch (error) {
  result = {
    ok: false,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  };
}
process.stdout.write(`\n${JSON.stringify(result)}\n`);
process.exit(0);
