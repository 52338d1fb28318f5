/**
 * Run by `onSmallDisk` inside a 2 MB tmpfs: the invoice agent runs in a child process until
 * the disk fills at `fillAt`; the stored status is read back; the space is freed; a second
 * child resumes the thread to the end. Prints the two children's reports, the ledger's
 * counts and the model calls, with an uncrashed run's for comparison, as one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteCheckpointer } from '../../src/store/sqlite-checkpointer';
import { referenceOutcome } from '../fixtures/crash-helpers';
import { sqliteLedger } from '../fixtures/sqlite-ledger';
import { describeError, freeDisk } from './fill-disk';
import type { FillPoint } from './full-disk-agent-child';

const [disk, input] = process.argv.slice(2) as [string, string];
const { fillAt } = JSON.parse(input) as { fillAt: FillPoint };
const child = join(dirname(fileURLToPath(import.meta.url)), 'full-disk-agent-child.ts');
const outside = mkdtempSync(join(tmpdir(), 'agentchart-full-disk-outside-'));

function run(stage: 'start' | 'resume') {
  const result = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      child,
      disk,
      JSON.stringify({ stage, fillAt, outside }),
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  const line = result.stdout.trim().split('\n').at(-1);
  if (result.status !== 0 || !line) {
    return { exit: result.status, stderr: result.stderr.trim().slice(-1500) };
  }
  return JSON.parse(line) as Record<string, unknown>;
}

try {
  const first = run('start');
  let stored: unknown;
  try {
    const reader = new SqliteCheckpointer({ path: join(disk, 'runs.db'), readOnly: true });
    stored = (await reader.latest('invoice-1'))?.run.status;
    reader.close();
  } catch (error) {
    stored = describeError(error);
  }
  freeDisk(disk);
  const second = run('resume');
  const ledger = sqliteLedger(join(outside, 'ledger.db'));
  const sends = [...ledger.counts().values()];
  ledger.close();
  const modelCalls = readFileSync(join(outside, 'model-calls'), 'utf8').length;
  const reference = await referenceOutcome();
  process.stdout.write(
    `${JSON.stringify({
      first,
      stored,
      second,
      sends,
      modelCalls,
      reference: {
        output: (reference.outcome as { output?: unknown }).output,
        modelCalls: reference.modelCalls,
        sends: [...reference.ledger.counts().values()],
      },
    })}\n`,
  );
} finally {
  rmSync(outside, { recursive: true, force: true });
}
