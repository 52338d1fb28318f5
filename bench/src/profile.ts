/**
 * @module profile
 * `pnpm --filter @agentchart/bench profile <workload> [seconds]`: runs one workload's
 * agentchart variant (built: run `pnpm build` first; add `--conditions=@agentchart/source`
 * to tsx to profile the sources) in a loop under V8's CPU profiler and prints where the time goes — by
 * function (self and inclusive) and by file — then writes the `.cpuprofile` (open it in Chrome
 * DevTools) to bench/bench-results/. Profile before optimising.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { TimedVariant } from './measure/timed-variant';
import { agentchartFanout } from './workloads/fanout/fanout-agentchart';
import { xstateFanout } from './workloads/fanout/fanout-xstate';
import { agentchartSuspended } from './workloads/suspended/suspended-agentchart';
import { timedWorkloads } from './workloads/timed-workloads';

/** What the loop set up and must close before the process ends. */
const closers: (() => Promise<unknown>)[] = [];

/** One agentchart variant of a timed workload, as the bench builds it. */
function timed(variants: TimedVariant[], variant: string) {
  return async () => {
    const found = variants.find((item) => item.variant === variant);
    if (!found) throw new Error(`no variant "${variant}"`);
    const built = await found.setup();
    // Closed once the profile is taken (see below): it removes the variant's database files,
    // which an exit handler could not wait for.
    closers.push(async () => built.close?.());
    return () => built.run();
  };
}

const promiseActor = 'agentchart (promise actor per state)';
const toolCall = 'agentchart (toolCall per state, journaled)';
const loops: Record<string, () => Promise<() => Promise<void>>> = {
  chain10: timed(timedWorkloads['chain10 memory'](), promiseActor),
  'chain10-raw': timed(timedWorkloads['chain10 memory'](), 'raw XState'),
  'chain10-tool': timed(timedWorkloads['chain10 memory'](), toolCall),
  'chain10-durable': timed(timedWorkloads['chain10 durable'](), `${toolCall} + SQLite`),
  'chain10-default': timed(
    timedWorkloads['chain10 durable, default durability'](),
    `${toolCall} + SQLite`,
  ),
  'growth-1000': timed(
    timedWorkloads['growth chain']({ sizes: [1000], store: 'memory' }),
    `${toolCall} · 1000 steps`,
  ),
  'growth-1000-promise': timed(
    timedWorkloads['growth chain']({ sizes: [1000], store: 'memory' }),
    `${promiseActor} · 1000 steps`,
  ),
  'growth-1000-raw': timed(
    timedWorkloads['growth chain']({ sizes: [1000], store: 'memory' }),
    'raw XState · 1000 steps',
  ),
  'growth-1000-sqlite': timed(
    timedWorkloads['growth chain']({ sizes: [1000], store: 'sqlite' }),
    `${toolCall} + SQLite · 1000 steps`,
  ),
  'loop-200': timed(
    timedWorkloads['growth tool loop']({ sizes: [200] }),
    'agentchart (toolLoop) · 200 tool calls',
  ),
  react5: timed(timedWorkloads.react5(), 'agentchart (toolLoop)'),
  'react5-raw': timed(timedWorkloads.react5(), 'raw XState'),
  fanout: async () => () => agentchartFanout(1000),
  'fanout-raw': async () => () => xstateFanout(1000),
  suspended: async () => {
    let round = 0;
    return async () => {
      const variant = agentchartSuspended();
      const ids = Array.from({ length: 1000 }, (_, index) => `r${round}-${index}`);
      round++;
      await variant.suspend(ids);
    };
  },
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const [name = 'react5', seconds = '5'] = process.argv.slice(2);
const make = loops[name];
if (!make) throw new Error(`no profile loop "${name}"; one of ${Object.keys(loops).join(', ')}`);
const step = await make();
for (let index = 0; index < 20; index++) await step();

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const until = performance.now() + Number(seconds) * 1000;
let runs = 0;
while (performance.now() < until) {
  await step();
  runs++;
}
const { profile } = (await session.post('Profiler.stop')) as {
  profile: { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
};
session.disconnect();
for (const close of closers) await close();

const totalSamples = profile.samples.length;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const shortUrl = (url: string) =>
  url.replace(
    /^file:\/\/.*?\/(node_modules\/\.pnpm\/[^/]+\/node_modules\/|packages\/|bench\/)/,
    '',
  );
const keyOf = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const files = new Map<string, number>();
// Walks the call tree; a function counts once per stack for its inclusive time.
const walk = (node: ProfileNode, onStack: Set<string>): number => {
  const key = keyOf(node);
  const hits = node.hitCount ?? 0;
  self.set(key, (self.get(key) ?? 0) + hits);
  const file = shortUrl(node.callFrame.url) || `(${node.callFrame.functionName})`;
  files.set(file, (files.get(file) ?? 0) + hits);
  const nested = new Set(onStack).add(key);
  let total = hits;
  for (const child of node.children ?? []) total += walk(byId.get(child)!, nested);
  if (!onStack.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + total);
  return total;
};
walk(profile.nodes[0]!, new Set());

const percent = (hits: number) => `${((hits / totalSamples) * 100).toFixed(1).padStart(5)}%`;
const top = (map: Map<string, number>, count: number) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, hits]) => `${percent(hits)}  ${key}`)
    .join('\n');
const wallMs = (profile.endTime - profile.startTime) / 1000;
console.log(
  `${name}: ${runs} runs in ${wallMs.toFixed(0)} ms (${((wallMs * 1000) / runs).toFixed(1)} µs/run), ${totalSamples} samples\n`,
);
console.log(`self time by function:\n${top(self, 25)}\n`);
console.log(`inclusive time by function:\n${top(inclusive, 40)}\n`);
console.log(`self time by file:\n${top(files, 20)}\n`);
const directory = new URL('../bench-results/', import.meta.url);
mkdirSync(directory, { recursive: true });
writeFileSync(new URL(`${name}.cpuprofile`, directory), JSON.stringify(profile));
console.log(`profile: bench/bench-results/${name}.cpuprofile`);
