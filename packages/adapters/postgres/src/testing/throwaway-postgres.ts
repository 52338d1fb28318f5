import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's PostgreSQL 15 packages put the server binaries. */
export const postgresBinDir = '/usr/lib/postgresql/15/bin';

/** A running throwaway PostgreSQL cluster on loopback. */
export interface ThrowawayPostgres {
  /**
   * `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication), or
   * `postgres://postgres:<password>@…` when started with a `password`.
   */
  connectionString: string;
  port: number;
  /** Stops the server (fast shutdown) and deletes its data directory. Safe to call twice. */
  stop(): void;
}

/** Options of {@link startThrowawayPostgres}. */
export interface ThrowawayPostgresOptions {
  /**
   * Flush each commit to disk, as a production server does: for measuring what commits
   * cost. Default false: tests need no durability across a machine's crash, and start faster
   * and run faster without it.
   */
  fsync?: boolean | undefined;
  /**
   * Make every login prove this password (SCRAM-SHA-256), as a production server does: for
   * testing what a client without it, or with a wrong one, meets. Default: none, and every
   * login is trusted.
   */
  password?: string | undefined;
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Single-quotes a word for `sh -c`. */
function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * Starts a fresh PostgreSQL 15 cluster in a temporary directory, listening only on
 * 127.0.0.1 (and a Unix socket in that directory), with fsync off unless `fsync` is set: from
 * nothing to a query in about a second. Run as root, the server runs as the `postgres` user (`su postgres -c`);
 * otherwise as the current user. Every wait is bounded; call `stop()` in `afterAll`.
 *
 * Fails (it never skips) when the binaries are missing, saying how to install them.
 */
export async function startThrowawayPostgres({
  fsync = false,
  password,
}: ThrowawayPostgresOptions = {}): Promise<ThrowawayPostgres> {
  const initdb = join(postgresBinDir, 'initdb');
  const pgCtl = join(postgresBinDir, 'pg_ctl');
  if (!existsSync(initdb)) {
    throw new Error(
      `PostgreSQL 15 is not installed (${initdb} is missing), and the Postgres tests need a real server. Install it with: bash scripts/ci-services.sh (apt-get install postgresql), then run the tests again.`,
    );
  }
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'agentchart-pg-'));
  const data = join(dir, 'data');
  const run = (command: string, timeout: number) => {
    if (asRoot) {
      execFileSync('su', ['postgres', '-c', command], { stdio: 'pipe', timeout });
    } else {
      execFileSync('sh', ['-c', command], { stdio: 'pipe', timeout });
    }
  };
  if (asRoot) {
    chmodSync(dir, 0o755);
    execFileSync('chown', ['postgres:', dir]);
  }
  const port = await freePort();
  let started = false;
  const stop = () => {
    if (started) {
      started = false;
      try {
        run(`${pgCtl} -D ${shellQuote(data)} -m fast -w -t 20 stop`, 30_000);
      } catch {
        // Already stopped, or it would not stop: the directory goes anyway.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  let auth = '-A trust';
  if (password !== undefined) {
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    // The server's user reads it; the directory is already theirs.
    const { uid, gid } = statSync(dir);
    chownSync(passwordFile, uid, gid);
    auth = `-A scram-sha-256 --pwfile=${shellQuote(passwordFile)}`;
  }
  try {
    run(`${initdb} -D ${shellQuote(data)} -U postgres ${auth} --no-sync`, 60_000);
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=${fsync ? 'on' : 'off'}`;
    started = true;
    run(
      `${pgCtl} -D ${shellQuote(data)} -l ${shellQuote(join(dir, 'log'))} -w -t 30 -o ${shellQuote(options)} start`,
      40_000,
    );
  } catch (error) {
    stop();
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(
      `Could not start a throwaway PostgreSQL in ${dir}: ${stderr || (error as Error).message}`,
    );
  }
  const login = password === undefined ? 'postgres' : `postgres:${encodeURIComponent(password)}`;
  return { connectionString: `postgres://${login}@127.0.0.1:${port}/postgres`, port, stop };
}
