import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Gives the test run a temporary directory of its own and removes it, whole, when the run
 * ends. Tests and the children they start make their files under `os.tmpdir()`; a helper's
 * own cleanup on process exit never runs in a test worker the pool kills, so without this
 * every run left its bundles, compiled racers and databases in the machine's /tmp.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'agentchart-tests-'));
  // It stands in for /tmp, so it is open as /tmp is (sticky, world-writable): a throwaway
  // PostgreSQL started as root runs as the postgres user, and a storage test runs a child as
  // an unprivileged user whose tsx keeps its cache here.
  chmodSync(dir, 0o1777);
  const previous = process.env.TMPDIR;
  // Read by os.tmpdir() in this process and in every worker and child started from it.
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
