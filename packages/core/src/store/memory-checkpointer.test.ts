import { describe, it } from 'vitest';
import { checkpointerConformance } from '../testing/checkpointer-conformance';
import { MemoryCheckpointer } from './memory-checkpointer';

describe('MemoryCheckpointer', () => {
  for (const { name, run } of checkpointerConformance({ create: () => new MemoryCheckpointer() })) {
    it(name, run);
  }
});
