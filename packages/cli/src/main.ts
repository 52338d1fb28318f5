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

/**
 * How long a finished command leaves the event loop to drain by itself (stream and socket
 * closes, `beforeExit` hooks such as a telemetry flush) before the process is ended.
 */
const lingerMs = 1_000;

const exitCode = await runCli(process.argv.slice(2), {
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
process.exitCode = exitCode;
// The command has done its work (worker and studio return only once stopped). A module it
// loaded may still hold the event loop open — a pool or a timer made at import, a tool that
// ignored its abort signal after an interrupt — and the process would hang after printing its
// outcome, or past the grace an interrupt announced. The timer does not hold the loop itself.
setTimeout(() => process.exit(exitCode), lingerMs).unref();
