import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the test run', () => {
  it('makes temporary files in a directory of its own, removed when the run ends', () => {
    const made = mkdtempSync(join(tmpdir(), 'probe-'));
    expect(basename(dirname(made))).toMatch(/^agentchart-tests-/);
  });
});
