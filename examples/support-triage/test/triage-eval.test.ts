import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDataset, runEval } from 'agentchart/eval';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import suite from '../src/triage.eval';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dataset = 'examples/support-triage/data/golden.jsonl';
const module = 'examples/support-triage/src/triage.eval.ts';

describe('support triage evals', () => {
  // The suite picks a real model when OPENAI_API_KEY is set; these runs stay offline.
  beforeAll(() => vi.stubEnv('OPENAI_API_KEY', ''));
  afterAll(() => vi.unstubAllEnvs());

  it('records which prompt version answered and scores both side by side', async () => {
    const cases = parseDataset(readFileSync(`${root}${dataset}`, 'utf8'), dataset);
    const { variants } = await runEval({ suite, cases });
    expect(
      variants.map(({ variant, passed, cases: count, prompts }) => ({
        variant,
        passed,
        count,
        prompts,
      })),
    ).toEqual([
      { variant: 'v1', passed: 12, count: 12, prompts: [{ id: 'support.triage', version: 1 }] },
      { variant: 'v2', passed: 5, count: 12, prompts: [{ id: 'support.triage', version: 2 }] },
    ]);
    // The shorter prompt is cheaper, which is why someone would want it.
    expect(variants[1]!.tokens).toBeLessThan(variants[0]!.tokens);
  });

  it('fails the CI gate when the prompt change lowers the pass rate (issue 16)', () => {
    const gate = (variant: string) =>
      spawnSync(
        process.execPath,
        [
          'packages/cli/bin/agentchart.mjs',
          'eval',
          module,
          dataset,
          '--variant',
          variant,
          '--min-pass-rate',
          '0.9',
        ],
        { cwd: root, encoding: 'utf8', env: { ...process.env, OPENAI_API_KEY: '' } },
      );
    const current = gate('v1');
    expect(current.status).toBe(0);
    expect(current.stdout).toContain('pass  v1: 100.0% ≥ the minimum 90.0%');
    const shorter = gate('v2');
    expect(shorter.status).toBe(6);
    expect(shorter.stdout).toContain('FAIL  v2: 41.7% < the minimum 90.0%');
  }, 60_000);
});
