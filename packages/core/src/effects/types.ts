import type { z } from 'zod';
import type { AnyTool } from '../tools/types';

/** What kind of effect actor logic this is. */
export type EffectLogicKind =
  | 'structured-call'
  | 'tool-loop'
  | 'tool-call'
  | 'human-wait'
  | 'agent';

/**
 * What `createAgent` needs to know about an effect before any run: the model aliases it
 * calls, the tools it may run and the schemas that must become JSON Schema.
 */
export interface EffectSpec {
  kind: EffectLogicKind;
  modelAliases: readonly string[];
  tools: readonly AnyTool[];
  /** Human waits do not keep a run from coming to rest. */
  blocksRest: boolean;
  schemas: readonly { owner: string; schema: z.ZodType }[];
  /**
   * A `humanWait`'s reply schema as JSON Schema, as this code checks replies: what a process
   * holding the code tells whoever answers a wait opened by an older deploy. Absent for other
   * effects, and when the schema has parts JSON Schema cannot express.
   */
  replySchema?: Record<string, unknown>;
}
