import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { McpStdioTransportOptions } from './types';

const serverFile = fileURLToPath(new URL('./mcp-test-server.ts', import.meta.url));

/** A stdio transport that starts the test server, and where that server writes its pid. */
export function stdioTestServer(): {
  transport: McpStdioTransportOptions;
  pid(): number;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'agentchart-mcp-'));
  const pidFile = join(dir, 'pid');
  return {
    transport: {
      command: process.execPath,
      args: [serverFile, 'stdio'],
      env: { MCP_TEST_PID_FILE: pidFile },
    },
    pid: () => Number(readFileSync(pidFile, 'utf8')),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** True while a process with this pid exists (an exited child is reaped by Node). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * The pids of this process's live children whose command line contains `marker` (Linux,
 * from /proc): finds a leaked server even when it died before it could write its pid.
 */
export function childrenRunning(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== process.pid) continue;
      if (/^State:\s+Z/m.test(status)) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker))
        found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** The streamable HTTP test server, in its own process on 127.0.0.1. */
export interface HttpTestServer {
  url: string;
  child: ChildProcess;
  /** Kills the process (if still alive) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts the streamable HTTP test server and waits until it listens. */
export async function startHttpTestServer(): Promise<HttpTestServer> {
  const child = spawn(process.execPath, [serverFile, 'http'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`test server exited (${code}): ${err}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
