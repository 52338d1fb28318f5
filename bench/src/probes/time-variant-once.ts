/**
 * @module time-variant-once
 * Times one variant of a timed workload in this process and prints one JSON line:
 * `{ wallUs, cpuUs, runs }` per run. The child `probe:process-ab` starts, once per process.
 * Args: `<workload> <variant> [seconds] [warm-up seconds]`.
 */
import type { TimedVariant } from '../measure/timed-variant';
import { timedWorkloads } from '../workloads/timed-workloads';

const [workload = '', variant = '', secondsArg = '4', warmArg = '2'] = process.argv.slice(2);
const variants = (timedWorkloads as unknown as Record<string, () => TimedVariant[]>)[workload];
if (!variants) throw new Error(`no workload "${workload}"; one of ${Object.keys(timedWorkloads)}`);
const found = variants().find((item) => item.variant === variant);
if (!found) throw new Error(`no variant "${variant}" in ${workload}`);
const built = await found.setup();
let until = performance.now() + Number(warmArg) * 1_000;
while (performance.now() < until) await built.run();
const cpu = process.cpuUsage();
const start = performance.now();
until = start + Number(secondsArg) * 1_000;
let runs = 0;
while (performance.now() < until) {
  await built.run();
  runs++;
}
const wallUs = ((performance.now() - start) * 1_000) / runs;
const used = process.cpuUsage(cpu);
await built.close?.();
console.log(JSON.stringify({ wallUs, cpuUs: (used.user + used.system) / runs, runs }));
