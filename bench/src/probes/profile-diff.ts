/**
 * @module profile-diff
 * `pnpm --filter @agentchart/bench probe:profile-diff <a.cpuprofile> <runs a> <b.cpuprofile>
 * <runs b> [self|inclusive] [rows]`: two CPU profiles written by `src/profile.ts` (say
 * agentchart's loop and raw XState's), each function's time per run in each, sorted by how
 * much more the first spends: where one variant's extra time per run goes, function by
 * function. Times are per run of each profile's own loop (`runs` as `profile.ts` printed
 * them), so loops of different lengths compare; both are under the profiler, so read the
 * differences, not the absolute figures.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  startTime: number;
  endTime: number;
}

/** A function's name and place, with the package path kept short. */
function keyOf({ callFrame }: ProfileNode): string {
  const where = callFrame.url.replace(/.*node_modules\//, '').replace(/.*packages\//, '');
  return `${callFrame.functionName || '(anonymous)'} ${where}:${callFrame.lineNumber}`;
}

/** µs per run by function: self time, or inclusive (counted once per sample per function). */
function perRun(file: string, runs: number, mode: 'self' | 'inclusive'): Map<string, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const sampleUs = (profile.endTime - profile.startTime) / profile.samples.length;
  const totals = new Map<string, number>();
  for (const sample of profile.samples) {
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const key = keyOf(byId.get(id)!);
      if (!seen.has(key)) totals.set(key, (totals.get(key) ?? 0) + sampleUs / runs);
      seen.add(key);
      if (mode === 'self') break;
    }
  }
  return totals;
}

const [fileA, runsA, fileB, runsB, modeArg = 'self', rowsArg = '40'] = process.argv.slice(2);
if (!fileA || !runsA || !fileB || !runsB) {
  throw new Error(
    'usage: profile-diff <a.cpuprofile> <runs a> <b.cpuprofile> <runs b> [self|inclusive] [rows]',
  );
}
const mode = modeArg === 'inclusive' ? 'inclusive' : 'self';
const a = perRun(fileA, Number(runsA), mode);
const b = perRun(fileB, Number(runsB), mode);
const rows = [...new Set([...a.keys(), ...b.keys()])]
  .map((key) => ({ key, a: a.get(key) ?? 0, b: b.get(key) ?? 0 }))
  .sort((x, y) => y.a - y.b - (x.a - x.b))
  .slice(0, Number(rowsArg));
console.log(`µs per run (${mode}): a − b, a, b, function`);
for (const row of rows) {
  const cells = [row.a - row.b, row.a, row.b].map((value) => value.toFixed(2).padStart(8));
  console.log(`${cells.join(' ')}  ${row.key}`);
}
