#!/usr/bin/env node
// The `agentchart` command.
// In the agentchart workspace (recognised by its build config, which the published package
// does not ship; the package does ship src/ for its library entries' source condition) it
// runs src/main.ts in a child Node with tsx's loader and the `@agentchart/source` export
// condition, so workspace packages are used from source and a stale build is never run.
// Installed from the registry it runs the built dist/main.mjs in this process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const workspace = existsSync(fileURLToPath(new URL('../tsdown.config.ts', import.meta.url)));

if (workspace && existsSync(source)) {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@agentchart/source',
      '--import',
      import.meta.resolve('tsx'),
      source,
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => child.kill(signal);
  for (const signal of forwarded) process.on(signal, forward);
  child.on('error', (error) => {
    process.stderr.write(
      `agentchart: could not start Node for the workspace CLI: ${error.message}\n`,
    );
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Die of the same signal, so callers see what happened to the command.
      for (const name of forwarded) process.off(name, forward);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
} else {
  await import(new URL('../dist/main.mjs', import.meta.url).href);
}
