import type { TimedWorkload } from '../measure/timed-variant';
import { chain10 } from './chain10/chain10';
import { type GrowthChainOptions, growthChain } from './growth/growth-chain';
import { type GrowthLoopOptions, growthLoop } from './growth/growth-loop';
import { react5 } from './react5/react5';

/**
 * The workloads timed with each variant in its own process (see `timeInProcesses`), by name:
 * the parent lists their variants, a child builds the one it times.
 */
export const timedWorkloads = {
  'chain10 memory': () => chain10(),
  'chain10 durable': () => chain10({ durability: 'wal' }),
  'chain10 durable, default durability': () => chain10({ durability: 'fsync' }),
  react5: () => react5(),
  'growth chain': (options) => growthChain(options as unknown as GrowthChainOptions),
  'growth tool loop': (options) => growthLoop(options as unknown as GrowthLoopOptions),
} satisfies Record<string, TimedWorkload>;
