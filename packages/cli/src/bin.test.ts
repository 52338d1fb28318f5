import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/agentchart.mjs', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the real `agentchart` bin in a child process, as a user's shell would. */
function agentchart(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the agentchart bin', () => {
  it('runs graph on a TypeScript module from the workspace sources and exits 0', () => {
    const { status, stdout, stderr } = agentchart(
      'graph',
      'examples/tender-pipeline/src/pipeline.ts',
    );
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toContain('    onError(research) → failed\n');
  });

  // Before: it printed the run's outcome and never exited while the module held a timer.
  it('exits once its command is done, though the agent module keeps the event loop open', () => {
    const folder = mkdtempSync(join(tmpdir(), 'agentchart-bin-'));
    try {
      const { status, stdout, stderr } = agentchart(
        'run',
        'packages/cli/src/commands/__fixtures__/open-handle-agent.ts',
        '--db',
        join(folder, 'runs.db'),
        '--quiet',
      );
      expect({ status, stderr }).toEqual({ status: 3, stderr: '' });
      expect(stdout).toMatch(/^waiting {2}thread /);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  // Before: "Could not load …: Cannot read properties of undefined (reading 'model')", no
  // file named, and a compile error's second line, its location, as a literal "\n".
  it('says where an agent module that fails to load threw, or what line does not compile', () => {
    // A space in the path, as in a user's "My Agents" folder.
    const folder = mkdtempSync(join(tmpdir(), 'agentchart bin-'));
    try {
      writeFileSync(
        join(folder, 'agent.ts'),
        "import { modelName } from './config';\nexport { modelName };\n",
      );
      writeFileSync(
        join(folder, 'config.ts'),
        'const settings = process.env.NO_SUCH_SETTINGS as unknown as { model: string };\nexport const modelName = settings.model;\n',
      );
      const thrown = agentchart('run', join(folder, 'agent.ts'), '--db', join(folder, 'runs.db'));
      expect({ status: thrown.status, stdout: thrown.stdout }).toEqual({ status: 1, stdout: '' });
      expect(thrown.stderr).toMatch(
        new RegExp(
          `^agentchart: Could not load ${folder}/agent\\.ts: Cannot read properties of undefined \\(reading 'model'\\)\n  at ${folder}/config\\.ts:2:\\d+\n$`,
        ),
      );

      writeFileSync(join(folder, 'broken.ts'), 'export const x: number = ;\n');
      const broken = agentchart('graph', join(folder, 'broken.ts'));
      expect(broken.status).toBe(1);
      expect(broken.stderr).toMatch(
        new RegExp(
          `^agentchart: Could not load ${folder}/broken\\.ts: .*\n  ${folder}/broken\\.ts:1:\\d+: ERROR: `,
        ),
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('exits 0 for --help', () => {
    expect(agentchart('--help')).toMatchObject({ status: 0, stderr: '' });
  });

  it.each([
    [['deploy'], 'agentchart: Unknown command "deploy".'],
    [['graph', 'missing.ts'], 'agentchart: File not found: missing.ts'],
    [['graph', 'examples/tender-pipeline/src/tools.ts'], 'exports no XState machine or agent'],
  ])('exits 2 for %j with a message and no stack trace', (args, message) => {
    const { status, stdout, stderr } = agentchart(...args);
    expect({ status, stdout }).toEqual({ status: 2, stdout: '' });
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
