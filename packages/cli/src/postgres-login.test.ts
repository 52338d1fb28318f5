import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startThrowawayPostgres, type ThrowawayPostgres } from '@agentchart/postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/agentchart.mjs', import.meta.url));
const agentModule = fileURLToPath(
  new URL('./commands/__fixtures__/refund-agent.ts', import.meta.url),
);

/** Long enough for the workspace CLI to start and fail; the bug held the process ~60 s. */
const killAfterMs = 30_000;

let server: ThrowawayPostgres;
beforeAll(async () => {
  server = await startThrowawayPostgres({ password: 'right horse' });
}, 60_000);
afterAll(() => server?.stop());

/** Runs the real `agentchart` bin, killing it if it has not exited after {@link killAfterMs}. */
function agentchart(...args: string[]) {
  return new Promise<{ status: number | null; killed: boolean; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], {
        env: { ...process.env, AGENTCHART_DB: '', PGPASSWORD: '' },
        // Its own process group: the kill below reaches the Node the workspace bin starts.
        detached: true,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      }, killAfterMs);
      child.once('error', reject);
      child.once('close', (status) => {
        clearTimeout(timer);
        resolve({ status, killed, stdout, stderr });
      });
    },
  );
}

describe('the agentchart bin on a PostgreSQL database it cannot log in to or read', () => {
  it.each([['runs'], ['worker', '--agent', agentModule]])(
    'says a connection string without the password is refused, in one line, and exits (%s)',
    async (...command) => {
      const url = new URL(server.connectionString);
      url.password = '';
      const { status, killed, stderr } = await agentchart(...command, '--db', url.toString());
      expect(killed).toBe(false);
      expect(status).toBe(1);
      expect(stderr).toContain('The server asks for a password and none was given');
      expect(stderr).not.toContain('unexpected error');
      expect(stderr.trim().split('\n')).toHaveLength(1);
    },
    60_000,
  );

  it.each([
    ['a port that is not a number', 'postgres://u@127.0.0.1:notaport/db', 'cannot be read'],
    ['TLS the server does not offer', 'ssl=true', 'this server does not offer it'],
  ])(
    'says %s in one line, and exits',
    async (_, given, message) => {
      const db = given.includes('://') ? given : `${server.connectionString}?${given}`;
      const { status, killed, stderr } = await agentchart('runs', '--db', db);
      expect(killed).toBe(false);
      expect(status).not.toBe(0);
      expect(stderr).toContain(message);
      expect(stderr).not.toContain('unexpected error');
      expect(stderr.trim().split('\n')).toHaveLength(1);
    },
    60_000,
  );
});
