import type { Agent } from '../../src/agent/types';
import type { ChatModel } from '../../src/model/types';
import type { Checkpointer } from '../../src/store/types';

/** What a crash scenario's agent is built with, in each child process. */
export interface CrashScenarioContext {
  /** The thread's store; it reports a boundary before and after every write. */
  checkpointer: Checkpointer;
  /** The trial's folder: state outside the agent (a ledger) lives here. */
  dir: string;
  /** Reports a boundary inside an effect, e.g. right after an unsafe tool acted. */
  boundary(name: string): void;
  /** Wraps a model so every call it gets is counted in the trial's folder (a kill keeps the count). */
  counted(model: ChatModel): ChatModel;
}

/** A scenario's agent in one process. */
export interface CrashScenarioAgent {
  agent: Agent;
  close?(): void;
}

/** An agent and a thread to crash at every boundary, see `runCrashTest`. */
export interface CrashScenario {
  name: string;
  description: string;
  threadId: string;
  input: unknown;
  /** The reply every human wait of the thread gets. */
  reply?: unknown;
  create(context: CrashScenarioContext): CrashScenarioAgent;
  /**
   * Side effects as the outside system counts them, per idempotency key; absent when the
   * scenario has no `unsafe` tool.
   */
  sideEffects?(dir: string): Map<string, number>;
  /**
   * True when an unsafe call a crash leaves ambiguous goes to the chart's error path (no
   * reconcile hook): such a trial must end there, not with the reference output.
   */
  ambiguityFails?: boolean;
}

/** The file in the trial folder that counts model calls, one byte each. */
export const modelCallsFile = 'model-calls.log';

/** What the parent passes in `AGENTCHART_CRASH_CHILD`. */
export interface CrashChildConfig {
  scenario: string;
  dir: string;
  dbPath: string;
  crashAt: number;
}
