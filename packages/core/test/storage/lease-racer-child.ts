/**
 * A process of the lease race trials: tries to take the lease on each of `threads` threads
 * of one SQLite file as `owner`, thread i at `startAt + 15 i` ms (the other process asks at
 * the same moment), and prints the ids it won.
 */
import { SqliteCheckpointer } from '../../src/store/sqlite-checkpointer';

const [path, owner, threadsText, startAtText] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const store = new SqliteCheckpointer({ path, synchronous: 'normal' });
const won: number[] = [];
for (let thread = 0; thread < Number(threadsText); thread++) {
  // Each thread has its own starting gun, so both processes ask for it at the same moment.
  const startAt = Number(startAtText) + thread * 15;
  while (Date.now() < startAt) {
    // Spinning, not sleeping: a timer would add a millisecond or more of its own.
  }
  try {
    await store.acquireLease(`race-${thread}`, { owner, ttlMs: 60_000, now: Date.now() });
    won.push(thread);
  } catch (error) {
    if ((error as { code?: string }).code !== 'checkpoint.lease_held') throw error;
  }
}
store.close();
process.stdout.write(`${JSON.stringify(won)}\n`);
