/**
 * @module in-flight-call-heap
 * `pnpm --filter @agentchart/bench probe:in-flight [runs] [agentchart|agentchart-promise|xstate] [--detail]`: what
 * a run holds while its model call is in flight. Starts `runs` runs of the fanout workload
 * (prepare → a model call → finish) on a model that answers only when told to, waits until
 * every run is inside the model's `generate`, and prints the heap they hold then, per run,
 * after garbage collection. With `--detail` it also takes V8 heap snapshots before and during
 * the calls and lists the objects made in between by kind (a suspended async function shows
 * as its generator object), per run. Each variant in its own process; it measures core's
 * build, as users get it: run `pnpm build` first.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatModel, ChatResponse } from '@agentchart/core';
import type { FanoutRound } from '../workloads/fanout/simulated-model';
import { type HeapSnapshot, readHeapSnapshot } from './heap-snapshot';

const runs = Number(process.argv[2] ?? 2_000);
const variant = process.argv[3] ?? 'agentchart';
const detail = process.argv.includes('--detail');
/** How many holders each object's line names (`--depth=N`). */
const depthShown = Number(process.argv.find((arg) => arg.startsWith('--depth='))?.slice(8) ?? 1);
/** Only the lines that contain this text (`--match=…`), down to a tenth of an object per run. */
const match = process.argv.find((arg) => arg.startsWith('--match='))?.slice(8);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (pnpm run probe:in-flight does)');

const rounds: Record<string, () => Promise<FanoutRound>> = {
  agentchart: async () => (await import('../workloads/fanout/fanout-agentchart')).agentchartFanout,
  xstate: async () => (await import('../workloads/fanout/fanout-xstate')).xstateFanout,
  // The agentchart run with the model called from a plain promise actor: what the run itself
  // holds, without the effect, the journal and the model-call pipeline.
  'agentchart-promise': async () => {
    const { agentchartFanout } = await import('../workloads/fanout/fanout-agentchart');
    return (size, model) => agentchartFanout(size, model, { plainCall: true });
  },
};
const load = rounds[variant];
if (!load) throw new Error(`variant is agentchart, agentchart-promise or xstate, got "${variant}"`);
const round = await load();

/** A model whose calls all wait for `open()`, then answer `{ "ok": true }`. */
function gatedModel() {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const model = {
    modelName: 'gated',
    endpoint: 'gated:probe',
    metadata: { contextWindow: 128_000, pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 } },
    calls: 0,
    async generate(): Promise<ChatResponse> {
      model.calls++;
      await gate;
      return {
        content: '{"ok":true}',
        toolCalls: [],
        finishReason: 'stop',
        usage: { inputTokens: 10, outputTokens: 3 },
        model: 'gated',
      };
    },
  } satisfies ChatModel & { calls: number };
  return { model, open };
}

/** Collects garbage over a few turns of the event loop, so finished work is gone. */
async function settledHeap(): Promise<number> {
  for (let turn = 0; turn < 5; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc!();
  }
  return process.memoryUsage().heapUsed;
}

function snapshot(name: string): HeapSnapshot {
  const path = join(tmpdir(), `in-flight-${process.pid}-${name}.heapsnapshot`);
  return readHeapSnapshot(path);
}

// Warm-up: the agent's one-time objects and the code's feedback are made before measuring.
for (let index = 0; index < 3; index++) {
  const { model, open } = gatedModel();
  const warm = round(50, model);
  while (model.calls < 50) await new Promise((resolve) => setImmediate(resolve));
  open();
  await warm;
}
const { model, open } = gatedModel();
let firstNewId = 0;
if (detail) {
  const before = snapshot('before');
  const fields = before.snapshot.meta.node_fields;
  const idAt = fields.indexOf('id');
  for (let at = idAt; at < before.nodes.length; at += fields.length)
    firstNewId = Math.max(firstNewId, before.nodes[at]! + 1);
}
const heapBefore = await settledHeap();
const running = round(runs, model);
while (model.calls < runs) await new Promise((resolve) => setImmediate(resolve));
const heapDuring = await settledHeap();
console.log(
  `${variant}: ${runs} runs with a model call in flight hold ${((heapDuring - heapBefore) / runs).toFixed(0)} B of heap each`,
);
if (detail) {
  const during = snapshot('during');
  const { meta } = during.snapshot;
  const fields = meta.node_fields.length;
  const typeAt = meta.node_fields.indexOf('type');
  const nameAt = meta.node_fields.indexOf('name');
  const idAt = meta.node_fields.indexOf('id');
  const sizeAt = meta.node_fields.indexOf('self_size');
  const edgeFields = meta.edge_fields.length;
  const edgeTypeAt = meta.edge_fields.indexOf('type');
  const edgeNameAt = meta.edge_fields.indexOf('name_or_index');
  const toAt = meta.edge_fields.indexOf('to_node');
  const edgeCountAt = meta.node_fields.indexOf('edge_count');
  const weak = meta.edge_types[0].indexOf('weak');
  const elementEdges = [
    meta.edge_types[0].indexOf('element'),
    meta.edge_types[0].indexOf('hidden'),
  ];
  const { nodes, edges, strings } = during;
  const label = (at: number) => {
    const type = meta.node_types[0][nodes[at + typeAt]!]!;
    const name = strings[nodes[at + nameAt]!]!;
    return type === 'object' || type === 'closure' ? `${type} ${name}` : `(${type})`;
  };
  // Each new object's first holder (by a strong edge), to tell what its arrays and contexts are.
  const holder = new Map<number, { from: number; edge: string }>();
  for (let at = 0, edge = 0; at < nodes.length; at += fields) {
    const end = edge + nodes[at + edgeCountAt]! * edgeFields;
    for (; edge < end; edge += edgeFields) {
      const edgeType = edges[edge + edgeTypeAt]!;
      if (edgeType === weak) continue;
      const to = edges[edge + toAt]!;
      if (nodes[to + idAt]! < firstNewId || holder.has(to)) continue;
      const named = String(strings[edges[edge + edgeNameAt]!]);
      // Indexes (an array's element, a table's slot) vary from run to run: one group for all.
      const edgeName = elementEdges.includes(edgeType) || /^\d+$/.test(named) ? '[]' : named;
      holder.set(to, { from: at, edge: edgeName });
    }
  }
  // Suspended async functions: each generator object with its register file, by function.
  const frames = new Map<string, { count: number; bytes: number }>();
  for (let at = 0, edge = 0; at < nodes.length; at += fields) {
    const end = edge + nodes[at + edgeCountAt]! * edgeFields;
    const isFrame = nodes[at + idAt]! >= firstNewId && label(at) === 'object Generator';
    let name = '?';
    let bytes = nodes[at + sizeAt]!;
    for (; edge < end; edge += edgeFields) {
      if (!isFrame) continue;
      const to = edges[edge + toAt]!;
      const edgeName = strings[edges[edge + edgeNameAt]!];
      if (edgeName === 'function') name = strings[nodes[to + nameAt]!] || '(anonymous)';
      if (edgeName === 'parameters_and_registers') bytes += nodes[to + sizeAt]!;
    }
    if (!isFrame) continue;
    const frame = frames.get(name) ?? { count: 0, bytes: 0 };
    frame.count++;
    frame.bytes += bytes;
    frames.set(name, frame);
  }
  console.log('suspended async functions, per run (count, bytes with registers):');
  for (const [name, { count, bytes }] of [...frames.entries()].sort(
    (l, r) => r[1].bytes - l[1].bytes,
  )) {
    if (count < runs / 10) continue;
    console.log(
      `  ${(count / runs).toFixed(1).padStart(5)}  ${(bytes / runs).toFixed(0).padStart(6)} B  ${name}`,
    );
  }
  const groups = new Map<string, { count: number; bytes: number }>();
  for (let at = 0; at < nodes.length; at += fields) {
    if (nodes[at + idAt]! < firstNewId) continue;
    let key = label(at);
    for (let node = at, depth = 0; depth < depthShown; depth++) {
      const held = holder.get(node);
      if (!held) break;
      key += ` ← ${label(held.from)}.${held.edge}`;
      node = held.from;
    }
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += nodes[at + sizeAt]!;
    groups.set(key, group);
  }
  const rows = [...groups.entries()].sort((left, right) => right[1].bytes - left[1].bytes);
  console.log('objects made since the calls began, per run (count, bytes, what holds them):');
  const shown = rows.filter(([key, { count }]) =>
    match ? key.includes(match) && count >= runs / 10 : count >= runs / 2,
  );
  for (const [key, { count, bytes }] of shown.slice(0, 80)) {
    console.log(
      `  ${(count / runs).toFixed(1).padStart(5)}  ${(bytes / runs).toFixed(0).padStart(6)} B  ${key}`,
    );
  }
}
open();
await running;
