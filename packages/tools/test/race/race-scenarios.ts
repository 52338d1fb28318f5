import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileSystemTools } from '../../src/file-system/file-system-tools';

/** What one call of a race scenario came to. */
export type CallVerdict = 'ok' | 'escape';

/** A fixture built for one scenario, and what the racer swaps in it. */
export interface RaceFixture {
  root: string;
  outside: string;
  /** The two paths the racer exchanges, again and again. */
  swap: [string, string];
  /** FIFOs in the fixture: opened for writing at the end, to release a call stuck on one. */
  fifos: string[];
}

/** What a scenario found in the file system once the racer stopped. */
export interface RaceAftermath {
  /** Files created outside the root. */
  escapes: number;
  /** Calls reported as done whose effect is not in the root. */
  lost: number;
  /** Effects that landed twice (inside and outside). */
  doubled: number;
}

/** One scenario of the sandbox race test: a fixture, a tool call to repeat, how to judge it. */
export interface RaceScenario {
  description: string;
  setup(base: string): Promise<RaceFixture>;
  /** The call number `index`; resolves with what it returned, rejects with its refusal. */
  call(fixture: RaceFixture, index: number): Promise<unknown>;
  /** Judges one call that returned: `escape` when it returned something from outside. */
  judge(result: unknown): CallVerdict;
  /** Looks at the file system after the run, given the indexes of the calls that returned. */
  aftermath?(fixture: RaceFixture, done: readonly number[]): Promise<RaceAftermath>;
}

const secret = 'OUTSIDE SECRET';
const outsideOnly = 'outside-only.txt';
const context = { signal: new AbortController().signal, idempotencyKey: 'race', threadId: 'race' };

/**
 * `root/work/` is a directory with `a.txt`; `root/link` is a symlink to `outside/`, which
 * holds a file of the same name and one only it has. The racer exchanges `work` and `link`,
 * so `work/a.txt` leads outside about half the time.
 */
async function parentSwapFixture(base: string): Promise<RaceFixture> {
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  await mkdir(join(root, 'work'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(root, 'work', 'a.txt'), 'inside');
  await writeFile(join(outside, 'a.txt'), secret);
  await writeFile(join(outside, outsideOnly), secret);
  await symlink(outside, join(root, 'link'));
  return { root, outside, swap: [join(root, 'work'), join(root, 'link')], fifos: [] };
}

/**
 * `root/data.txt` is a 4-byte file and `root/pipe` a FIFO nobody writes to; the racer
 * exchanges them, so a call that checked `data.txt` then opens it may open the FIFO.
 */
async function fifoSwapFixture(base: string): Promise<RaceFixture> {
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  await mkdir(root, { recursive: true });
  await mkdir(outside);
  await writeFile(join(root, 'data.txt'), 'same');
  const pipe = join(root, 'pipe');
  const made = spawnSync('mkfifo', [pipe]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
  return {
    root,
    outside,
    swap: [join(root, 'data.txt'), pipe],
    fifos: [join(root, 'data.txt'), pipe],
  };
}

const tools = (fixture: RaceFixture) => {
  const [read, list, write] = fileSystemTools({ root: fixture.root, allowWrite: true });
  return { read, list, write: write! };
};

/** The scenarios of the sandbox race test, by name. */
export const raceScenarios: Record<string, RaceScenario> = {
  'read-parent-swap': {
    description: '`read_file("work/a.txt")`, parent directory ⇄ symlink to outside',
    setup: parentSwapFixture,
    call: (fixture) => tools(fixture).read.execute({ path: 'work/a.txt' }, context),
    judge: (result) => ((result as { content: string }).content === secret ? 'escape' : 'ok'),
  },
  'list-parent-swap': {
    description: '`list_directory("work")`, parent directory ⇄ symlink to outside',
    setup: parentSwapFixture,
    call: (fixture) => tools(fixture).list.execute({ path: 'work' }, context),
    judge: (result) =>
      (result as { entries: { name: string }[] }).entries.some(
        (entry) => entry.name === outsideOnly,
      )
        ? 'escape'
        : 'ok',
  },
  'write-parent-swap': {
    description: '`write_file("work/new-N.txt")`, parent directory ⇄ symlink to outside',
    setup: parentSwapFixture,
    call: (fixture, index) =>
      tools(fixture).write.execute({ path: `work/new-${index}.txt`, content: `${index}` }, context),
    judge: () => 'ok',
    aftermath: async (fixture, done) => {
      const created = (await readdir(fixture.outside)).filter(
        (name) => name !== 'a.txt' && name !== outsideOnly,
      );
      // The racer stopped after an even number of swaps: the directory is `work` again.
      const inside = new Set(await readdir(join(fixture.root, 'work')));
      let lost = 0;
      for (const index of done) {
        const name = `new-${index}.txt`;
        const content = inside.has(name)
          ? await readFile(join(fixture.root, 'work', name), 'utf8')
          : undefined;
        if (content !== `${index}`) lost += 1;
      }
      const doubled = created.filter((name) => inside.has(name)).length;
      return { escapes: created.length, lost, doubled };
    },
  },
  'read-fifo-swap': {
    description: '`read_file("data.txt")`, file ⇄ FIFO',
    setup: fifoSwapFixture,
    call: (fixture) => tools(fixture).read.execute({ path: 'data.txt' }, context),
    judge: () => 'ok',
  },
  'write-fifo-swap': {
    description: '`write_file("data.txt")` with its current content, file ⇄ FIFO',
    setup: fifoSwapFixture,
    call: (fixture) => tools(fixture).write.execute({ path: 'data.txt', content: 'same' }, context),
    judge: () => 'ok',
  },
};
