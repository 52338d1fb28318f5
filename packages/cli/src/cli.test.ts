import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { runCli } from './cli';
import { memoryContext } from './testing';

async function cli(args: string[], options?: Parameters<typeof memoryContext>[0]) {
  const io = memoryContext(options);
  const exitCode = await runCli(args, io.context);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

describe('runCli', () => {
  it('lists the commands with --help, -h and help', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const { exitCode, stdout, stderr } = await cli(args);
      expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
      expect(stdout).toMatch(/^Usage: agentchart <command> \[options\]/);
      expect(stdout).toContain(
        "  graph      print an agent's statechart: states, invokes, transitions (text, mermaid, svg, json)",
      );
    }
  });

  it("prints a command's help with help <command>", async () => {
    const { exitCode, stdout } = await cli(['help', 'graph']);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^Usage: agentchart graph <module-file>/);
  });

  it('prints the version', async () => {
    expect(await cli(['--version'])).toEqual({
      exitCode: 0,
      stdout: `${packageJson.version}\n`,
      stderr: '',
    });
  });

  it('prints the help to stderr and exits 2 without a command', async () => {
    const { exitCode, stdout, stderr } = await cli([]);
    expect({ exitCode, stdout }).toEqual({ exitCode: 2, stdout: '' });
    expect(stderr).toMatch(/^Usage: agentchart <command>/);
  });

  it.each([
    [
      ['deploy'],
      'agentchart: Unknown command "deploy". Commands: run, resume, send, stop, waits, worker, runs, show, prune, erase, graph, eval, studio. Run "agentchart --help" for more.\n',
    ],
    [
      ['help', 'deploy'],
      'agentchart: Unknown command "deploy". Commands: run, resume, send, stop, waits, worker, runs, show, prune, erase, graph, eval, studio. Run "agentchart --help" for more.\n',
    ],
    [
      ['--verbose', 'graph'],
      'agentchart: Unknown option "--verbose". Put the command first: agentchart <command> [options]. Run "agentchart --help" for the commands.\n',
    ],
  ])('exits 2 with one clear line for %j', async (args, message) => {
    expect(await cli(args)).toEqual({ exitCode: 2, stdout: '', stderr: message });
  });

  it('exits 1 with the stack on an unexpected error, which is a bug to report', async () => {
    const { exitCode, stderr } = await cli(['graph', 'package.json'], {
      importModule: async () => null as unknown as Record<string, unknown>,
    });
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/^agentchart: unexpected error\nTypeError: .*\n\s+at /);
  });
});
