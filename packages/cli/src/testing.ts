import type { CommandContext, ModuleImporter } from './commands/types';

/** A command context that collects output in memory instead of printing it, for tests. */
export function memoryContext({
  cwd = process.cwd(),
  importModule = (path) => import(path),
  env = {},
}: {
  cwd?: string;
  importModule?: ModuleImporter;
  env?: Record<string, string | undefined>;
} = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const context: CommandContext = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    cwd,
    importModule,
    env,
  };
  return { context, stdout: () => out.join(''), stderr: () => err.join('') };
}

/**
 * The real clock moved `aheadMs` (negative: into the past), for tests that need a thread made
 * as if hours ago: its timers and deadlines are set from that time.
 */
export function shiftedClock(aheadMs: number) {
  return {
    now: () => Date.now() + aheadMs,
    setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
    clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
  };
}
