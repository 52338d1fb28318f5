import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import type { EvalReport } from '../eval/types';
import { memoryContext } from '../testing';

const fixtures = fileURLToPath(new URL('../eval/__fixtures__/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'agentchart-eval-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function evalCli(...args: string[]) {
  const io = memoryContext({ cwd: fixtures });
  const exitCode = await runCli(['eval', ...args], io.context);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

describe('agentchart eval', () => {
  it('compares two prompt versions side by side, with progress on stderr', async () => {
    const { exitCode, stdout, stderr } = await evalCli('sentiment.eval.ts', 'sentiment.jsonl');
    expect(exitCode).toBe(0);
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(10);
    expect(stderr).toMatch(/^eval v1 \[1\/5\] \S+ [✓✗]$/m);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^case\s+v1\s+v2$/);
    expect(lines).toContainEqual(expect.stringMatching(/^broken\s+✓ 1\.00\s+✗ 0\.33$/));
    expect(lines).toContainEqual(expect.stringMatching(/^pass rate\s+5\/5 100\.0%\s+1\/5 20\.0%$/));
    expect(lines).toContainEqual(expect.stringMatching(/^prompts\s+sentiment@1\s+sentiment@2$/));
    expect(stdout).toContain(
      'broken [v2] fields sentiment: sentiment: got "neutral", expected "negative"; trajectory: entered classifying → filed; expected classifying → complaint',
    );
  });

  it('runs each case --repeat times, numbering the runs in progress and in the table (eval repeat)', async () => {
    const { exitCode, stdout, stderr } = await evalCli(
      'sentiment.eval.ts',
      'sentiment.jsonl',
      '--variant',
      'v1',
      '--repeat',
      '2',
    );
    expect(exitCode).toBe(0);
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(10);
    expect(stderr).toMatch(/^eval v1 \[1\/10\] \S+ #1 ✓$/m);
    expect(stdout).toMatch(/^broken\s+✓ 2\/2 1\.00$/m);
    expect(stdout).toMatch(/^pass rate\s+10\/10 100\.0%$/m);
    expect(stdout).toMatch(/^flaky cases\s+0$/m);
    const refused = await evalCli('sentiment.eval.ts', 'sentiment.jsonl', '--repeat', '0');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(
      '--repeat takes a whole number of times to run each case, from 1 to 1000, got "0".',
    );
  });

  it("answers a case's human waits with its dataset row's replies (eval replies)", async () => {
    const { exitCode, stdout } = await evalCli('approvals.eval.ts', 'approvals.jsonl');
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^approved\s+✓ 1\.00$/m);
    expect(stdout).toMatch(/^asked twice\s+✓ 1\.00$/m);
    expect(stdout).toMatch(/^left waiting\s+✓ 1\.00 waiting$/m);
  });

  it('fails the gate when a prompt change lowers the pass rate (issue 16)', async () => {
    const before = await evalCli(
      'sentiment.eval.ts',
      'sentiment.jsonl',
      '--variant',
      'v1',
      '--min-pass-rate',
      '90%',
    );
    expect(before.exitCode).toBe(0);
    expect(before.stdout).toContain('pass  v1: 100.0% ≥ the minimum 90.0%');
    const after = await evalCli('sentiment.eval.ts', 'sentiment.jsonl', '-V', 'v2', '-m', '0.9');
    // 6, not 1: the gate failed, the eval itself did not.
    expect(after.exitCode).toBe(6);
    expect(after.stdout).toContain('FAIL  v2: 20.0% < the minimum 90.0%');
  });

  it('refuses an --output in a folder that does not exist before running any case (report folder)', async () => {
    const missing = join(scratch, 'no-such-folder', 'report.json');
    const { exitCode, stdout, stderr } = await evalCli(
      'sentiment.eval.ts',
      'sentiment.jsonl',
      '-o',
      missing,
    );
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `agentchart: --output ${missing}: the folder ${join(scratch, 'no-such-folder')} does not exist. Create it first, or name a file in a folder that exists.\n`,
    );
  });

  it('writes the report as JSON: scores, trajectories and the prompt versions of each case', async () => {
    const output = join(scratch, 'report.json');
    const { exitCode } = await evalCli(
      'sentiment.eval.ts',
      'sentiment.jsonl',
      '-V',
      'v1',
      '-o',
      output,
      '-c',
      '1',
    );
    expect(exitCode).toBe(0);
    const report = JSON.parse(readFileSync(output, 'utf8')) as EvalReport;
    expect(report).toMatchObject({ suite: 'sentiment', dataset: 'sentiment.jsonl' });
    expect(report.variants).toMatchObject([
      {
        variant: 'v1',
        cases: 5,
        passed: 5,
        passRate: 1,
        prompts: [{ id: 'sentiment', version: 1 }],
      },
    ]);
    expect(report.cases.map((result) => result.caseId)).toEqual([
      'praise',
      'broken',
      'late',
      'plain',
      'excellent',
    ]);
    expect(report.cases[1]).toMatchObject({
      status: 'done',
      output: { sentiment: 'negative' },
      trajectory: ['classifying', 'complaint'],
      scores: [
        { scorer: 'fields sentiment', pass: true },
        { scorer: 'schema', pass: true },
        { scorer: 'trajectory', pass: true },
      ],
    });
    // A case without an expected trajectory skips that scorer.
    expect(report.cases[2]?.scores[2]).toMatchObject({ scorer: 'trajectory', skipped: true });
    const json = await evalCli('sentiment.eval.ts', 'sentiment.jsonl', '-V', 'v2', '--json');
    expect((JSON.parse(json.stdout) as EvalReport).variants[0]?.passRate).toBe(0.2);
  });

  it('refuses what it cannot run, saying what to fix', async () => {
    expect(await evalCli('sentiment.eval.ts')).toMatchObject({ exitCode: 2 });
    expect(await evalCli('sentiment.eval.ts', 'missing.jsonl')).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining('Dataset not found: missing.jsonl'),
    });
    expect(await evalCli('sentiment.eval.ts', 'sentiment.jsonl', '-V', 'v3')).toMatchObject({
      exitCode: 2,
      stderr: 'agentchart: The suite "sentiment" has no variant "v3". Its variants: v1, v2.\n',
    });
    expect(await evalCli('sentiment.eval.ts', 'sentiment.jsonl', '-m', '1.5')).toMatchObject({
      exitCode: 2,
    });
    expect(await evalCli('two-suites.eval.ts', 'sentiment.jsonl')).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining(
        'exports 2 eval suites (first, second); pick one with --export',
      ),
    });
    const broken = join(scratch, 'broken.jsonl');
    writeFileSync(broken, '{"id": "a", "input": 1}\n{"id": "b", "input": \n');
    // The user's input is wrong, like any input that is not JSON: 2, not the 1 of a broken eval.
    expect(await evalCli('sentiment.eval.ts', broken)).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining(`${broken}:2 is not JSON`),
    });
    writeFileSync(broken, '{"id": "a", "input": 1}\n{"id": "a", "input": 2}\n');
    expect((await evalCli('sentiment.eval.ts', broken)).stderr).toContain(
      'repeats the id "a" of line 1',
    );
  });

  it('exits 1 when every run of a variant fails, even without a minimum (issue 9)', async () => {
    const { exitCode, stderr } = await evalCli('unreachable.eval.ts', 'sentiment.jsonl');
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(
      /every run of variant "default" failed before it could be scored \(first: .*Incorrect API key/,
    );
  });

  it('prints an error that quotes terminal escapes as text, in the table, its JSON and on stderr', async () => {
    // Before: the page's clear-screen, title and fake "eval passed" line reached the terminal.
    const table = await evalCli('hostile.eval.ts', 'sentiment.jsonl');
    const json = await evalCli('hostile.eval.ts', 'sentiment.jsonl', '--json');
    const printed = [table.stdout, table.stderr, json.stdout, json.stderr].join('');
    expect(table.stdout).toContain('failed:');
    expect(table.stderr).toContain('every run of variant "default" failed');
    expect(printed).toContain('\\e[2J');
    for (const character of ['\u001b', '\u0007', '\u009b', '\u202e']) {
      expect(printed).not.toContain(character);
    }
    expect(JSON.parse(json.stdout).cases[0].error).toContain('\u001b[2J');
  });
});
