import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import { memoryContext } from '../testing';

const dir = mkdtempSync(join(tmpdir(), 'agentchart-studio-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const io = memoryContext({ cwd: dir });
  const exitCode = await runCli(args, io.context);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

describe('agentchart studio', () => {
  it.each([
    [['studio', '--port', 'http'], '--port must be a port number from 0 to 65535, got "http".'],
    [['studio', '--port', '70000'], '--port must be a port number from 0 to 65535, got "70000".'],
    // Read as 0 (a random port) and as 8080 before.
    [['studio', '--port', ''], '--port must be a port number from 0 to 65535, got "".'],
    [['studio', '--port', '0x1F90'], '--port must be a port number from 0 to 65535, got "0x1F90".'],
    [['studio', 'runs.db'], '"studio" takes no arguments, got "runs.db".'],
    [['studio', '--db', 'missing.db'], `No run database at ${join(dir, 'missing.db')}.`],
  ])('exits 2 with one line saying what to do for %j', async (args, message) => {
    const { exitCode, stdout, stderr } = await cli(...args);
    expect({ exitCode, stdout }).toEqual({ exitCode: 2, stdout: '' });
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('prints its help', async () => {
    const { exitCode, stdout } = await cli('studio', '--help');
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(
      /^Usage: agentchart studio \[--db <file\|url>\] \[--schema <name>\] \[--port <n>\]/,
    );
    expect(stdout).toContain('ws://127.0.0.1:<port>');
  });
});
