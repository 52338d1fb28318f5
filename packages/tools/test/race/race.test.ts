import { beforeAll, describe, expect, it } from 'vitest';
import { canRace, runRaceTest } from './race-harness';
import type { RaceReport, ScenarioReport } from './race-report';

/**
 * Issue 10's sandbox race test: a C racer exchanges a directory and a symlink (or a file and
 * a FIFO) with renameat2(RENAME_EXCHANGE) as fast as it can, for one second per scenario,
 * while four tool calls at a time run against the path, in a child process.
 * `run-race-test.ts` prints the same figures for a longer run.
 */
describe.skipIf(!canRace())('sandbox race test (a racer swapping paths during calls)', () => {
  let report: RaceReport;
  beforeAll(async () => {
    report = await runRaceTest({
      scenarios: [
        'read-parent-swap',
        'list-parent-swap',
        'write-parent-swap',
        'read-fifo-swap',
        'write-fifo-swap',
      ],
      seconds: 1,
    });
  }, 120_000);

  const scenario = (name: string): ScenarioReport => {
    const found = report.scenarios.find((item) => item.scenario === name);
    if (!found) throw new Error(`no figures for ${name}`);
    // The run proves something only if the racer raced and some calls got through.
    expect(found.swaps).toBeGreaterThan(1_000);
    expect(found.ok).toBeGreaterThan(0);
    expect(found.failureSamples).toEqual([]);
    return found;
  };

  it.each(['read-parent-swap', 'list-parent-swap', 'write-parent-swap'])(
    'lets nothing out of the root in %s: 0 escapes (issue 10)',
    (name) => {
      const figures = scenario(name);
      expect(figures.escapeSamples).toEqual([]);
      expect(figures.escapes).toBe(0);
      expect(figures.lost).toBe(0);
      expect(figures.doubled).toBe(0);
      expect(figures.hangs).toBe(0);
    },
  );

  it('never blocks on a FIFO swapped in for a file it writes: 0 hangs, thread pool free (issue 10)', () => {
    const figures = scenario('write-fifo-swap');
    expect(figures.hangs).toBe(0);
    expect(figures.poolBlocked).toBe(false);
    expect(figures.refused.not_a_file ?? 0).toBeGreaterThan(0);
  });

  it('never blocks on a FIFO swapped in for a file it reads: 0 hangs, thread pool free', () => {
    const figures = scenario('read-fifo-swap');
    expect(figures.hangs).toBe(0);
    expect(figures.poolBlocked).toBe(false);
    expect(figures.refused.not_a_file ?? 0).toBeGreaterThan(0);
  });
});
