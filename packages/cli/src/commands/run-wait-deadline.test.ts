import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import { memoryContext } from '../testing';

const modules: Record<string, string> = {
  payer: fileURLToPath(new URL('./__fixtures__/paying-agent.ts', import.meta.url)),
  hurriedPayer: fileURLToPath(new URL('./__fixtures__/hurried-paying-agent.ts', import.meta.url)),
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-run-deadline-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(agent: string, json = false) {
  const io = memoryContext({ cwd: dir });
  const args = ['run', modules[agent]!, '--db', join(dir, 'runs.db')];
  const exitCode = await runCli(json ? [...args, '--json', '--thread', 'j'] : args, io.context);
  return { exitCode, stdout: io.stdout() };
}

/** The times a line prints, in the order it prints them. */
const timesIn = (line: string | undefined) =>
  [...(line ?? '').matchAll(/\d{4}-\d\d-\d\dT[\d:.]+Z/g)].map((match) => Date.parse(match[0]));

describe('agentchart run, on a thread that waits for an approval', () => {
  it("prints the run's wall-time limit as the wait's end when it comes before the approval's 24 h", async () => {
    const before = Date.now();
    const { exitCode, stdout } = await run('hurriedPayer');
    const after = Date.now();
    expect(exitCode).toBe(3);
    const line = stdout.split('\n').find((text) => text.startsWith('waits'));
    // Before: "(until <24 h from now>)", though maxWallTimeMs ends the thread in 10 minutes.
    expect(line).toContain("when the run's wall-time limit, maxWallTimeMs, ends the thread");
    const [until, own] = timesIn(line);
    expect(until).toBeGreaterThanOrEqual(before + 600_000);
    expect(until).toBeLessThanOrEqual(after + 600_000);
    expect(line).toContain("the wait's own deadline, ");
    expect(own).toBeGreaterThanOrEqual(before + 24 * 3_600_000);

    const outcome = JSON.parse((await run('hurriedPayer', true)).stdout);
    expect(outcome.runDeadline).toBeLessThan(outcome.waits[0].deadline);
  });

  it("prints the wait's own deadline when no wall-time limit comes first", async () => {
    const before = Date.now();
    const { stdout } = await run('payer');
    const line = stdout.split('\n').find((text) => text.startsWith('waits'));
    expect(timesIn(line)[0]).toBeGreaterThanOrEqual(before + 24 * 3_600_000);
    expect(line).toContain("the wait's deadline)");
    expect(line).not.toContain('maxWallTimeMs');
  });
});
