import { describe, expect, it } from 'vitest';
import { runCrashTest } from './crash-harness';

/**
 * Issue 4's crash test: each scenario's thread is killed with SIGKILL at every boundary in
 * turn (before and after each checkpoint and journal write, and right after the unsafe tool
 * acted), then resumed in a fresh process. `run-crash-test.ts` prints the same figures.
 */
describe('crash test (SIGKILL at every boundary, resume in a fresh process)', () => {
  it('loses nothing and acts once with a reconcile hook: every output identical', async () => {
    const report = await runCrashTest({ scenario: 'invoice-reconcile' });
    // 25 since a waiting thread a reply restores is claimed by the checkpoint of the step the
    // reply causes, not by one of its own before it.
    expect(report.boundaries).toBeGreaterThanOrEqual(25);
    expect(report.trials.flatMap((trial) => trial.problems)).toEqual([]);
    expect(report.covered).toBe(report.boundaries);
    expect(report.identical).toBe(report.boundaries);
    expect(report.stepsLost).toBe(0);
    expect(report.duplicateSideEffects).toBe(0);
    expect(report.ambiguous).toBeGreaterThan(0);
    expect(report.ambiguityRouted).toBe(report.ambiguous);
  }, 90_000);

  it("routes each ambiguous unsafe call without a reconcile hook to the chart's error path", async () => {
    const report = await runCrashTest({ scenario: 'invoice-no-reconcile' });
    expect(report.trials.flatMap((trial) => trial.problems)).toEqual([]);
    expect(report.covered).toBe(report.boundaries);
    expect(report.ambiguous).toBeGreaterThan(0);
    expect(report.ambiguityRouted).toBe(report.ambiguous);
    expect(report.identical).toBe(report.boundaries - report.ambiguous);
    expect(report.duplicateSideEffects).toBe(0);
    expect(report.stepsLost).toBe(0);
  }, 90_000);

  it("resumes a chat whose turns start from earlier turns' summaries with the same result, at every boundary", async () => {
    // The later half: the turns over the window, which start from an earlier turn's summary.
    const report = await runCrashTest({ scenario: 'chat-summaries', only: (k, n) => k > n / 2 });
    expect(report.boundaries).toBeGreaterThan(30);
    expect(report.trials.flatMap((trial) => trial.problems)).toEqual([]);
    expect(report.covered).toBe(report.trials.length);
    expect(report.identical).toBe(report.trials.length);
    expect(report.stepsLost).toBe(0);
    // Asked again only what the kill left unrecorded: the turn's summary and its answer,
    // written together with the turn's checkpoint.
    for (const trial of report.trials) expect(trial.modelCallsRepeated).toBeLessThanOrEqual(2);
  }, 90_000);
});
