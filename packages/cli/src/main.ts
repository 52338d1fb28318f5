/**
 * @module agentchart
 * The `agentchart` command's process entry: real streams, the working directory, and
 * TypeScript modules loaded through tsx.
 */
import { runCli } from './cli';
import { importModule } from './graph/load-module';

// A reader that stops early (`agentchart graph x | head`) closes the pipe: that is not an
// error of ours, so stop quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  importModule,
  env: process.env,
  onInterrupt(listener) {
    const signals = ['SIGINT', 'SIGTERM'] as const;
    const handlers = signals.map((signal) => {
      const handler = () => listener(signal);
      process.on(signal, handler);
      return [signal, handler] as const;
    });
    return () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    };
  },
});
