import assert from 'node:assert/strict';
import type { ConformanceCase, ConformanceContext } from './context';
import { checkpointAt, entryOf } from './fixtures';

const rounds = 20;
const t0 = 1_700_000_000_000;
const ttlMs = 30_000;

/** Two stores on the same storage racing: for a version, for a lease, a write against a takeover. */
export function concurrencyCases({ threadId, withStores }: ConformanceContext): ConformanceCase[] {
  return [
    {
      name: 'lets exactly one of two stores racing for the same version win',
      run: () =>
        withStores(2, async ([first, second]) => {
          for (let round = 0; round < rounds; round++) {
            const thread = threadId(`race-version-${round}`);
            await first!.save(checkpointAt(thread, 1));
            const results = await Promise.allSettled([
              first!.save(checkpointAt(thread, 2, 'run-a')),
              second!.save(checkpointAt(thread, 2, 'run-b')),
            ]);
            const won = results.filter((result) => result.status === 'fulfilled');
            const lost = results.filter((result) => result.status === 'rejected');
            assert.equal(won.length, 1, `round ${round}: ${won.length} writers won`);
            assert.equal(
              ((lost[0] as PromiseRejectedResult).reason as { code?: string }).code,
              'checkpoint.conflict',
            );
            const winner = results[0]!.status === 'fulfilled' ? 'run-a' : 'run-b';
            assert.equal((await second!.latest(thread))?.owner, winner);
            assert.deepEqual(
              (await first!.list(thread)).map((item) => item.version),
              [1, 2],
            );
          }
        }),
    },
    {
      name: 'gives a free or expired lease to exactly one of two stores racing for it',
      run: () =>
        withStores(2, async ([first, second]) => {
          for (let round = 0; round < rounds; round++) {
            const thread = threadId(`race-lease-${round}`);
            // Odd rounds race for an expired lease, even rounds for a thread never leased.
            if (round % 2 === 1)
              await first!.acquireLease(thread, { owner: 'dead', ttlMs, now: t0 });
            const now = t0 + ttlMs;
            const results = await Promise.allSettled([
              first!.acquireLease(thread, { owner: 'run-a', ttlMs, now }),
              second!.acquireLease(thread, { owner: 'run-b', ttlMs, now }),
            ]);
            const won = results.filter((result) => result.status === 'fulfilled');
            assert.equal(won.length, 1, `round ${round}: ${won.length} stores took the lease`);
            const lost = results.find((result) => result.status === 'rejected');
            assert.equal(
              ((lost as PromiseRejectedResult).reason as { code?: string }).code,
              'checkpoint.lease_held',
            );
            const holder = (won[0] as PromiseFulfilledResult<{ owner: string }>).value.owner;
            assert.equal((await first!.getLease(thread))?.owner, holder);
          }
        }),
    },
    {
      name: 'orders a journal write racing a takeover: it lands before the new holder reads, or is refused',
      run: () =>
        withStores(2, async ([first, second]) => {
          for (let round = 0; round < rounds; round++) {
            const thread = threadId(`race-fence-${round}`);
            await first!.acquireLease(thread, { owner: 'run-a', ttlMs, now: t0 });
            const [write, seen] = await Promise.allSettled([
              first!.putEffect(entryOf(thread, 'send', 'started'), { owner: 'run-a' }),
              second!
                .acquireLease(thread, { owner: 'run-b', ttlMs, now: t0 + 1, force: true })
                .then(() => second!.getEffect(thread, 'send')),
            ]);
            assert.equal(seen.status, 'fulfilled');
            const visible = (seen as PromiseFulfilledResult<unknown>).value !== undefined;
            // The new holder decides what to do from what it reads after taking the lease: an
            // intent that was accepted but not seen would let the effect run twice.
            if (write.status === 'fulfilled') {
              assert.equal(visible, true, `round ${round}: an accepted intent was not seen`);
            } else {
              assert.equal(visible, false, `round ${round}: a refused intent was stored`);
              assert.equal(
                ((write as PromiseRejectedResult).reason as { code?: string }).code,
                'checkpoint.conflict',
              );
            }
          }
        }),
    },
  ];
}
