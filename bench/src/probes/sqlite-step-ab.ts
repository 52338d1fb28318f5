/**
 * @module sqlite-step-ab
 * `pnpm --filter @agentchart/bench probe:sqlite-ab <base core folder> [new core folder] [rounds] [runs]`:
 * the chain10 toolCall workload on core's `SqliteCheckpointer`, two builds of core side by
 * side in one process (say, a git worktree of main and this checkout, each built with `pnpm
 * build`), and raw XState writing its snapshot to SQLite as the reference, at both
 * durabilities. Rounds alternate the order of the variants; each round runs `runs` chains per
 * variant and reports CPU time (`process.cpuUsage()`, user + system), wall time and commits
 * per step. Prints medians over rounds with their spread (min–max), and the per-round ratios.
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from '../measure/memory';
import { SqliteSnapshotStore } from '../stores/sqlite-snapshot-store';
import { tempDir } from '../stores/temp-dir';

const [baseArg, newArg = '../packages/core', roundsArg = '7', runsArg = '60'] =
  process.argv.slice(2);
if (!baseArg)
  throw new Error('usage: sqlite-step-ab <base core folder> [new core folder] [rounds] [runs]');
const rounds = Number(roundsArg);
const runs = Number(runsArg);
const steps = 10;

/** Counts transactions committed through `node:sqlite` (every core build uses it). */
let commits = 0;
const sqlite = process.getBuiltinModule('node:sqlite');
const proto = sqlite.StatementSync.prototype as unknown as Record<
  string,
  (...args: unknown[]) => unknown
>;
const runStatement = proto.run!;
proto.run = function (this: { sourceSQL: string }, ...args: unknown[]) {
  if (this.sourceSQL === 'COMMIT') commits++;
  return runStatement.apply(this, args);
};

type AnyModule = Record<string, any>;

/** A core build's entry and the xstate and zod it resolves. */
async function loadCore(folder: string) {
  const root = resolve(folder);
  const require = createRequire(join(root, 'package.json'));
  const load = async (name: string): Promise<AnyModule> =>
    import(pathToFileURL(require.resolve(name)).href);
  const core = (await import(pathToFileURL(join(root, 'dist/index.mjs')).href)) as AnyModule;
  return { core, xstate: await load('xstate'), zod: await load('zod') };
}

interface State {
  count: number;
  log: { step: number; note: string }[];
}

/** chain10's machine, built with the given xstate and step actor. */
function chainMachine(xstate: AnyModule, work: unknown) {
  const states: Record<string, unknown> = { done: { type: 'final' } };
  for (let index = 0; index < steps; index++) {
    states[`s${index}`] = {
      invoke: {
        src: 'work',
        input: ({ context }: { context: State }) => context.count,
        onDone: { target: index + 1 < steps ? `s${index + 1}` : 'done', actions: 'record' },
      },
    };
  }
  return xstate
    .setup({
      actors: { work },
      actions: {
        record: xstate.assign(
          ({ context, event }: { context: State; event: { output: number } }) => ({
            count: event.output,
            log: [...context.log, { step: event.output, note: `step ${event.output} done` }],
          }),
        ),
      },
    })
    .createMachine({
      id: 'chain',
      context: () => ({ count: 0, log: [] }),
      initial: 's0',
      states,
      output: ({ context }: { context: State }) => context,
    });
}

type Durability = 'normal' | 'full';
interface Variant {
  name: string;
  run(): Promise<void>;
  close(): void;
}

async function agentchart(
  name: string,
  folder: string,
  durability: Durability,
  file: string,
): Promise<Variant> {
  const { core, xstate, zod } = await loadCore(folder);
  const tool = core.defineTool({
    name: 'increment',
    description: 'Adds one to a number.',
    input: zod.z.number(),
    output: zod.z.number(),
    effect: 'pure',
    execute: async (count: number) => count + 1,
  });
  const checkpointer =
    durability === 'full'
      ? new core.SqliteCheckpointer({ path: file })
      : new core.SqliteCheckpointer({ path: file, synchronous: 'normal' });
  const agent = core.createAgent({
    machine: chainMachine(xstate, core.toolCall(tool)),
    checkpointer,
  });
  return {
    name,
    run: async () => {
      const outcome = await agent.run({ input: undefined });
      if (outcome.output?.count !== steps) throw new Error(`${name}: ended ${outcome.status}`);
    },
    close: () => checkpointer.close(),
  };
}

async function rawXState(durability: Durability, file: string): Promise<Variant> {
  const xstate = await import('xstate');
  const machine = chainMachine(
    xstate,
    xstate.fromPromise(async ({ input }: { input: number }) => input + 1),
  );
  const store = new SqliteSnapshotStore(file, durability === 'full' ? 'fsync' : 'wal');
  let thread = 0;
  return {
    name: 'raw XState + SQLite',
    run: async () => {
      // better-sqlite3's autocommit inserts: one commit each, counted here.
      commits -= store.writes;
      const actor = xstate.createActor(machine);
      store.persist(actor, `t${thread++}`);
      const output = (await xstate.toPromise(actor.start())) as State;
      if (output.count !== steps) throw new Error('raw XState: wrong count');
      commits += store.writes;
    },
    close: () => store.close(),
  };
}

for (const durability of ['normal', 'full'] as const) {
  const dir = tempDir(`ab-${durability}`);
  const variants = [
    await agentchart('base', baseArg, durability, dir.file('base.db')),
    await agentchart('new', newArg, durability, dir.file('new.db')),
    await rawXState(durability, dir.file('raw.db')),
  ];
  const results = new Map(
    variants.map((variant) => [
      variant.name,
      { cpu: [] as number[], wall: [] as number[], commits: [] as number[] },
    ]),
  );
  for (const variant of variants) for (let index = 0; index < 20; index++) await variant.run();
  for (let round = 0; round < rounds; round++) {
    const ordered = round % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of ordered) {
      commits = 0;
      const wall = performance.now();
      const cpu = process.cpuUsage();
      for (let index = 0; index < runs; index++) await variant.run();
      const used = process.cpuUsage(cpu);
      const result = results.get(variant.name)!;
      const perStep = runs * steps;
      result.cpu.push((used.user + used.system) / perStep);
      result.wall.push(((performance.now() - wall) * 1000) / perStep);
      result.commits.push(commits / perStep);
    }
  }
  for (const variant of variants) variant.close();
  dir.remove();
  const spread = (values: number[]) =>
    `${median(values).toFixed(1)} (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
  const ratios = (a: number[], b: number[]) => a.map((value, index) => value / b[index]!);
  console.log(`synchronous '${durability}': ${rounds} rounds × ${runs} chain10 runs per variant`);
  for (const [name, { cpu, wall, commits: counted }] of results) {
    console.log(
      `  ${name.padEnd(22)} CPU µs/step ${spread(cpu).padEnd(22)} wall µs/step ${spread(wall).padEnd(24)} commits/step ${median(counted).toFixed(2)}`,
    );
  }
  const base = results.get('base')!;
  const next = results.get('new')!;
  const raw = results.get('raw XState + SQLite')!;
  const ratio = (values: number[]) =>
    `${median(values).toFixed(2)}× (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
  console.log(
    `  new / base: CPU ${ratio(ratios(next.cpu, base.cpu))}, wall ${ratio(ratios(next.wall, base.wall))}`,
  );
  console.log(
    `  base / raw: CPU ${ratio(ratios(base.cpu, raw.cpu))}, wall ${ratio(ratios(base.wall, raw.wall))}`,
  );
  console.log(
    `  new / raw:  CPU ${ratio(ratios(next.cpu, raw.cpu))}, wall ${ratio(ratios(next.wall, raw.wall))}`,
  );
}
