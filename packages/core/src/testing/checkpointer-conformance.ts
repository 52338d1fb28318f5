import { randomUUID } from 'node:crypto';
import type { Checkpointer } from '../store/types';
import { checkpointCases } from './conformance/checkpoint-cases';
import { concurrencyCases } from './conformance/concurrency-cases';
import type { ConformanceCase, ConformanceContext } from './conformance/context';
import { eraseCases } from './conformance/erase-cases';
import { journalCases } from './conformance/journal-cases';
import { leaseCases } from './conformance/lease-cases';
import { runLogCases } from './conformance/run-log-cases';
import { saveWithLeaseCases } from './conformance/save-with-lease-cases';
import { schedulingCases } from './conformance/scheduling-cases';

export type { ConformanceCase } from './conformance/context';

/** Options of {@link checkpointerConformance}. */
export interface CheckpointerConformanceOptions<TStore extends Checkpointer> {
  /** A store to test. Cases use thread ids of their own, so one shared database serves all. */
  create: () => TStore | Promise<TStore>;
  /**
   * A second store on the same storage as `store`, as another process would open it (its
   * own connection or pool). Default: `store` itself, for a store that lives in memory.
   */
  reopen?: ((store: TStore) => TStore | Promise<TStore>) | undefined;
  /** Closes a store made by `create` or `reopen`. */
  dispose?: ((store: TStore) => void | Promise<void>) | undefined;
  /**
   * Damages the stored state of one checkpoint so it cannot be read, as a torn write or a
   * bad disk would. Give it when the store recovers past a corrupt checkpoint; the cases
   * that need it are left out otherwise.
   */
  corruptCheckpoint?:
    | ((store: TStore, threadId: string, version: number) => Promise<void>)
    | undefined;
  /**
   * Whether the store keeps a run log (`RunLog`: `listEffectLog`, `listRuns`,
   * `summariseCost`), whose cases then run too. Default true; false leaves them out.
   */
  runLog?: boolean | undefined;
  /**
   * Whether the store implements the optional `saveWithLease`, whose cases then run too.
   * Default false.
   */
  saveWithLease?: boolean | undefined;
  /**
   * Whether the store implements the optional `erase` and `listTenantThreads`: their cases
   * then fail when one is missing. Default false: they run where the store has them.
   */
  erase?: boolean | undefined;
}

/**
 * The one conformance suite every {@link Checkpointer} passes: checkpoints (save,
 * compare-and-set, latest, get, list), the journal (put, get, list, fencing by owner),
 * recovery past a corrupt checkpoint, leases (acquire, renew, expiry, force, release, writes
 * fenced after a takeover), concurrency (two stores racing for a version or a lease), the
 * run log (a row per journal record, its filters, cost sums and run list) and, for a store
 * that has it, `saveWithLease` (the lease taken or given up in a checkpoint's transaction).
 * The cases of the interface's other optional methods (`putEffects`, `saveWithJournal`,
 * `renewLeases`, `listThreads`, `listDue`, `prune`, `erase`, `listTenantThreads`) run where the store has the method and
 * pass without it, as a run works without them (see each method). It returns named async
 * cases that throw on failure (`node:assert`), so any test runner can run them; where a case
 * expects an error of the store, its failure says how to make it with what `@agentchart/core`
 * and `@agentchart/core/internal` publish (`conflictMessage`, `fencedMessage`,
 * `CheckpointError.leaseHeld`, `assertLeaseOptions` …), as the error every store shares.
 *
 * @example
 * ```ts
 * import { checkpointerConformance } from '@agentchart/core/testing';
 *
 * describe('MyCheckpointer conformance', () => {
 *   for (const { name, run } of checkpointerConformance({ create: () => new MyCheckpointer() })) {
 *     it(name, run);
 *   }
 * });
 * ```
 */
export function checkpointerConformance<TStore extends Checkpointer>(
  options: CheckpointerConformanceOptions<TStore>,
): ConformanceCase[] {
  const {
    create,
    reopen = (store) => store,
    dispose,
    corruptCheckpoint,
    runLog = true,
    saveWithLease = false,
    erase = false,
  } = options;
  // Fresh per suite, so a database kept between runs never mixes them.
  const prefix = `conformance-${randomUUID().slice(0, 8)}`;
  let counter = 0;
  const context: ConformanceContext = {
    threadId: (label) => `${prefix}-${counter++}-${label}`,
    async withStores(count, body) {
      const first = await create();
      const stores: Checkpointer[] = [first];
      try {
        for (let index = 1; index < count; index++) stores.push(await reopen(first));
        await body(stores);
      } finally {
        // A store reopened as itself is disposed once.
        for (const store of new Set(stores).values()) await dispose?.(store as TStore);
      }
    },
    ...(corruptCheckpoint
      ? {
          corruptCheckpoint: (store: Checkpointer, threadId: string, version: number) =>
            corruptCheckpoint(store as TStore, threadId, version),
        }
      : {}),
  };
  return [
    ...checkpointCases(context),
    ...journalCases(context),
    ...leaseCases(context),
    ...concurrencyCases(context),
    ...schedulingCases(context),
    ...eraseCases(context, { required: erase }),
    ...(runLog ? runLogCases(context) : []),
    ...(saveWithLease ? saveWithLeaseCases(context) : []),
  ];
}
