/**
 * @module waiting-run-heap
 * `pnpm --filter @agentchart/bench probe:waiting-heap [runs] [live|evicted]`: where the memory
 * of a waiting run goes. Puts `runs` runs of the suspended workload (prepare → a human approval
 * → finish) to wait at once on core's `SqliteCheckpointer`, held live (`evictWaiting: false`,
 * the default here) or evicted (createAgent's default), takes a V8 heap snapshot before and
 * after, and computes the dominator tree of the second: each new object's size is charged to
 * the objects that hold it alone. Prints the heap's growth per run before and after garbage
 * collection, bytes per run by holder (an XState actor, the run, the open wait…), the older
 * objects that hold them (a store's cache, a table grown by the burst) and, for the run's own
 * holders, what they hold. It measures core's build, as users get it: run `pnpm build` first.
 */
import { SqliteCheckpointer } from '@agentchart/core';
import { tempDir } from '../stores/temp-dir';
import { agentchartSuspended } from '../workloads/suspended/suspended-agentchart';
import { type HeapSnapshot, readHeapSnapshot } from './heap-snapshot';

const runs = Number(process.argv[2] ?? 2_000);
const mode = process.argv[3] ?? 'live';
if (mode !== 'live' && mode !== 'evicted')
  throw new Error(`mode is live or evicted, got "${mode}"`);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (pnpm run probe:waiting-heap does)');

async function takeSnapshot(path: string): Promise<HeapSnapshot> {
  // Until the heap stops shrinking: evicted runs give their leases up after they came to
  // rest (store writes of their own), and a run dropped from memory leaves its weak entries
  // only once collected and its finalizer has run, a turn of the event loop later.
  for (let last = Number.POSITIVE_INFINITY, turn = 0; turn < 50; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc!();
    const used = process.memoryUsage().heapUsed;
    if (used > last * 0.999) break;
    last = used;
  }
  return readHeapSnapshot(path);
}

function firstIdAfter({ snapshot, nodes }: HeapSnapshot): number {
  const fields = snapshot.meta.node_fields;
  const idField = fields.indexOf('id');
  let next = 0;
  for (let at = idField; at < nodes.length; at += fields.length)
    next = Math.max(next, nodes[at]! + 1);
  return next;
}

const dir = tempDir('waiting-heap');
const checkpointer = new SqliteCheckpointer({ path: dir.file('agentchart.db') });
const variant = agentchartSuspended({ checkpointer, evictWaiting: mode === 'evicted' });
// Warm up: the agent's and the store's one-time objects are in the first snapshot.
await variant.suspend(['warm-0', 'warm-1']);
// Objects made after the first snapshot have larger ids (ids are never reused). Only the
// first new id is kept: the parsed snapshot must be gone before the second is taken.
const firstNewId = firstIdAfter(await takeSnapshot(dir.file('before.heapsnapshot')));
const heapBefore = process.memoryUsage().heapUsed;
await variant.suspend(Array.from({ length: runs }, (_, index) => `thread-${index}`));
// Read before anything is collected on purpose: what a process that measures the heap
// without forcing a collection sees, garbage of the burst included.
const grownUncollected = (process.memoryUsage().heapUsed - heapBefore) / runs;
const after = await takeSnapshot(dir.file('after.heapsnapshot'));
checkpointer.close();
dir.remove();

const { meta } = after.snapshot;
const nodeFields = meta.node_fields.length;
const edgeFields = meta.edge_fields.length;
const typeAt = meta.node_fields.indexOf('type');
const nameAt = meta.node_fields.indexOf('name');
const idAt = meta.node_fields.indexOf('id');
const sizeAt = meta.node_fields.indexOf('self_size');
const edgeCountAt = meta.node_fields.indexOf('edge_count');
const edgeTypeAt = meta.edge_fields.indexOf('type');
const toAt = meta.edge_fields.indexOf('to_node');
const weak = meta.edge_types[0].indexOf('weak');
const { nodes, edges, strings } = after;
const count = nodes.length / nodeFields;

const isNew = (node: number) => nodes[node * nodeFields + idAt]! >= firstNewId;
const nameOf = (node: number) => {
  const type = meta.node_types[0][nodes[node * nodeFields + typeAt]!]!;
  const name = strings[nodes[node * nodeFields + nameAt]!]!;
  return type === 'object' || type === 'closure' ? name || '(anonymous)' : `(${type})`;
};

const firstEdge = new Uint32Array(count + 1);
for (let node = 0, edge = 0; node < count; node++) {
  firstEdge[node] = edge;
  edge += nodes[node * nodeFields + edgeCountAt]! * edgeFields;
  firstEdge[node + 1] = edge;
}
function* targets(node: number): Generator<number> {
  for (let edge = firstEdge[node]!; edge < firstEdge[node + 1]!; edge += edgeFields) {
    if (edges[edge + edgeTypeAt] !== weak) yield edges[edge + toAt]! / nodeFields;
  }
}

// Post-order from the root (iterative), predecessors, then dominators by the iterative
// algorithm of Cooper, Harvey and Kennedy.
const postIndex = new Int32Array(count).fill(-1);
const postOrder: number[] = [];
const reached = new Uint8Array(count);
const stack: { node: number; next: Generator<number> }[] = [{ node: 0, next: targets(0) }];
reached[0] = 1;
while (stack.length > 0) {
  const top = stack.at(-1)!;
  const step = top.next.next();
  if (step.done) {
    stack.pop();
    postIndex[top.node] = postOrder.length;
    postOrder.push(top.node);
  } else if (!reached[step.value]) {
    reached[step.value] = 1;
    stack.push({ node: step.value, next: targets(step.value) });
  }
}
const predecessors: number[][] = Array.from({ length: count }, () => []);
for (let node = 0; node < count; node++) {
  if (!reached[node]) continue;
  for (const target of targets(node)) predecessors[target]!.push(node);
}
const dominator = new Int32Array(count).fill(-1);
dominator[0] = 0;
const intersect = (left: number, right: number) => {
  while (left !== right) {
    while (postIndex[left]! < postIndex[right]!) left = dominator[left]!;
    while (postIndex[right]! < postIndex[left]!) right = dominator[right]!;
  }
  return left;
};
for (let changed = true; changed; ) {
  changed = false;
  for (let index = postOrder.length - 2; index >= 0; index--) {
    const node = postOrder[index]!;
    let found = -1;
    for (const predecessor of predecessors[node]!) {
      if (dominator[predecessor] === -1) continue;
      found = found === -1 ? predecessor : intersect(predecessor, found);
    }
    if (found !== -1 && dominator[node] !== found) {
      dominator[node] = found;
      changed = true;
    }
  }
}
// What each object holds alone, counting only objects made after the first snapshot (an old
// object a new one happens to hold alone, such as a grown table's contents, is not a run's).
const retained = new Float64Array(count);
for (let node = 0; node < count; node++) {
  if (isNew(node)) retained[node] = nodes[node * nodeFields + sizeAt]!;
}
for (const node of postOrder) {
  if (node !== 0 && dominator[node]! >= 0) retained[dominator[node]!]! += retained[node]!;
}

/** Bytes per run retained by new objects, grouped by name, among those `holds` selects. */
function perRun(holds: (node: number) => boolean): [string, number][] {
  const groups = new Map<string, number>();
  for (let node = 0; node < count; node++) {
    if (!reached[node] || !isNew(node) || !holds(node)) continue;
    const name = nameOf(node);
    groups.set(name, (groups.get(name) ?? 0) + retained[node]! / runs);
  }
  return [...groups.entries()].sort((left, right) => right[1] - left[1]);
}
const print = (rows: [string, number][], limit: number) => {
  for (const [name, bytes] of rows.slice(0, limit)) {
    console.log(`  ${bytes.toFixed(0).padStart(6)} B  ${name}`);
  }
};

/** True when no new object holds `node` alone, directly or through older objects. */
const isRoot = (node: number) => {
  for (let holder = dominator[node]!; holder > 0; holder = dominator[holder]!) {
    if (isNew(holder)) return false;
  }
  return true;
};
// The roots of each run's memory: new objects that no other new object holds alone.
const roots = perRun(isRoot);
const total = roots.reduce((sum, [, bytes]) => sum + bytes, 0);
console.log(
  `${runs} runs waiting, ${mode === 'live' ? 'held live' : 'evicted'}: the heap grew ${grownUncollected.toFixed(0)} B per run before collection; ${total.toFixed(0)} B retained per run`,
);
print(roots, 12);
// Who holds the roots: the nearest older object that holds each alone.
const byHolder = new Map<string, number>();
for (let node = 0; node < count; node++) {
  if (!reached[node] || !isNew(node) || !isRoot(node)) continue;
  const holder = dominator[node]!;
  const key = `${nameOf(node)} in ${nameOf(holder)} held by ${nameOf(dominator[holder]!)}`;
  byHolder.set(key, (byHolder.get(key) ?? 0) + retained[node]! / runs);
}
console.log('the roots, by the older objects that hold them:');
print(
  [...byHolder.entries()].sort((left, right) => right[1] - left[1]),
  6,
);
for (const holder of ['Run', 'OpenWait']) {
  console.log(`held by ${holder}:`);
  print(
    perRun((node) => nameOf(dominator[node]!) === holder),
    8,
  );
}
