import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CrashChildConfig } from './crash-scenario';
import type { ChildReport } from './judge-trial';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository's root: children run there, so `tsx` resolves. */
export const repoRoot = resolve(here, '../../../..');
/** The child process of core's own scenarios. */
export const defaultChildEntry = join(here, 'crash-child.ts');

const bundles = new Map<string, Promise<string>>();

/**
 * The node arguments that run a child entry (a module calling `runCrashChild`): its bundle
 * (made once per process), or tsx.
 */
export async function childCommand(
  loader: 'bundle' | 'tsx',
  childEntry = defaultChildEntry,
): Promise<string[]> {
  // tsx as a loader in the child itself: its CLI would run the script in a grandchild, whose
  // SIGKILL the parent would not see as the child's.
  if (loader === 'tsx') return ['--conditions=@agentchart/source', '--import', 'tsx', childEntry];
  let bundled = bundles.get(childEntry);
  bundled ??= (async () => {
    const { build } = await import('esbuild');
    const dir = mkdtempSync(join(tmpdir(), 'agentchart-crash-child-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const outfile = join(dir, 'child.mjs');
    await build({
      entryPoints: [childEntry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      conditions: ['@agentchart/source'],
      outfile,
      logLevel: 'warning',
    });
    return outfile;
  })();
  bundles.set(childEntry, bundled);
  return [await bundled];
}

/** Runs one child process of the crash test and collects its report (none if it was killed). */
export function spawnChild(
  command: readonly string[],
  config: CrashChildConfig,
): Promise<{ report: ChildReport | undefined; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, command, {
      cwd: repoRoot,
      env: { ...process.env, AGENTCHART_CRASH_CHILD: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = stdout.trim().split('\n').at(-1);
      let report: ChildReport | undefined;
      if (code === 0 && line) report = JSON.parse(line) as ChildReport;
      resolvePromise({ report, signal, stderr });
    });
  });
}
