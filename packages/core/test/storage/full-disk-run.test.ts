import { describe, expect, it } from 'vitest';
import type { FillPoint } from './full-disk-agent-child';
import { isRoot, onSmallDisk } from './small-disk';

interface Summary {
  status: string;
  error?: { code: string; message: string };
}

interface FullDiskReport {
  first: { outcome: Summary };
  stored: unknown;
  second: {
    steps: Summary[];
    replyError?: { outcome: Summary };
    output: { summary: string };
    journal: { key: string; status: string }[];
  };
  sends: number[];
  modelCalls: number;
  reference: { output: { summary: string }; modelCalls: number; sends: number[] };
}

/** An invoice id names the thread it was sent for: compare outputs without it. */
const withoutInvoiceId = (output: { summary: string }) => ({
  ...output,
  summary: output.summary.replace(/inv-[0-9a-f]+/, 'inv-…'),
});

// A real full disk: a private 2 MB tmpfs (root only, which CI has). Each case runs the
// invoice agent in a child process until the disk fills, reads what is stored, frees the
// space, and resumes the thread in a second process to the end.
describe.skipIf(!isRoot)('an agent run on a disk that fills up', () => {
  it.each<[FillPoint, string, number]>([
    ['model-call-3', 'running', 1],
    ['after-send', 'running', 0],
    ['before-reply', 'waiting', 0],
  ])(
    'fails with storage.full when the disk fills at %s, keeps the stored status (%s), and resumes with nothing lost or done twice (issue 10)',
    (fillAt, storedStatus, modelCallsRemade) => {
      const report = onSmallDisk<FullDiskReport>('full-disk-agent.ts', { fillAt });
      const failed =
        fillAt === 'before-reply' ? report.second.replyError?.outcome : report.first.outcome;
      expect(failed).toMatchObject({ status: 'failed', error: { code: 'storage.full' } });
      expect(failed?.error?.message).toContain('Free space on that disk, then resume the thread');
      expect(report.stored).toBe(storedStatus);
      expect(report.second.steps.at(-1)).toEqual({ status: 'done' });
      expect(withoutInvoiceId(report.second.output)).toEqual(
        withoutInvoiceId(report.reference.output),
      );
      // Nothing lost: every effect of the run is in the journal, completed.
      expect(report.second.journal).toHaveLength(7);
      expect(report.second.journal.every((entry) => entry.status === 'completed')).toBe(true);
      // Nothing done twice: one invoice; only a model answer that could not be recorded is asked again.
      expect(report.sends).toEqual([1]);
      expect(report.modelCalls).toBe(report.reference.modelCalls + modelCallsRemade);
    },
    90_000,
  );
});
