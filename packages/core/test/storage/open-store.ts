/**
 * Run by a test as another user: opens a checkpoint database (read-only when asked), lists
 * its threads, reads the first one and tries a write; prints what happened as one JSON line.
 */
import { SqliteCheckpointer } from '../../src/store/sqlite-checkpointer';
import { describeError } from './fill-disk';

const { path, readOnly = false } = JSON.parse(process.argv[2]!) as {
  path: string;
  readOnly?: boolean;
};

let result: unknown;
try {
  const store = new SqliteCheckpointer({ path, readOnly });
  try {
    const threads = (await store.listThreads()).map((thread) => thread.threadId);
    const status = (await store.latest(threads[0]!))?.run.status;
    let write: unknown;
    try {
      await store.releaseLease(threads[0]!, 'nobody');
      write = { ok: true };
    } catch (error) {
      write = { ok: false, error: describeError(error) };
    }
    result = { ok: true, value: { threads, status, write } };
  } finally {
    store.close();
  }
} catch (error) {
  result = { ok: false, error: describeError(error) };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
