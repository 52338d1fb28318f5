import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCrashTest } from '../../../packages/core/test/crash/crash-harness';
import { tenderScenario } from './tender-crash-scenario';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The demo killed with SIGKILL at every checkpoint and journal boundary in turn, then resumed
 * in a fresh process: it must come to the same bid, losing nothing.
 */
describe('tender pipeline crash test', () => {
  it('resumes the tender pipeline demo to the same bid from every boundary', async () => {
    const report = await runCrashTest({
      scenario: 'tender-pipeline',
      scenarios: { 'tender-pipeline': tenderScenario },
      childEntry: join(here, 'tender-crash-child.ts'),
    });
    // Two boundaries a write; a macrostep's results share its checkpoint's write.
    // 20 since an intent is written with the results held before it, in one write.
    expect(report.boundaries).toBeGreaterThan(15);
    expect(report.trials.flatMap((trial) => trial.problems)).toEqual([]);
    expect(report.covered).toBe(report.boundaries);
    expect(report.identical).toBe(report.boundaries);
    expect(report.stepsLost).toBe(0);
  }, 90_000);
});
