import type { AnyStateMachine, InspectionEvent, Observer } from 'xstate';
import type { TokenCounter } from '../budget/token-counter';
import type { ContextBudgetOptions } from '../budget/types';
import type { ResponseCache } from '../cache/create-response-cache';
import type { Clock, IdGenerator } from '../clock/clock';
import type { CostLedger } from '../cost/cost-ledger';
import type { PriceTable } from '../cost/resolve-pricing';
import type { RunEvents } from '../events/run-events';
import type { ChatModel } from '../model/types';
import type { ModelCallPipeline } from '../pipeline/types';
import type { ModelCallPolicy } from '../reliability/types';
import type { Redactor } from '../security/create-redactor';
import type { Checkpointer } from '../store/types';
import type { TenantQuota } from '../tenancy/types';
import type { LeaseHeartbeat } from './lease-heartbeat';
import type { NextModelCall } from './run-limits';
import type { StrandedLeases } from './stranded-leases';
import type { LimitInfo, RunLimits } from './types';

/** What every run of one agent shares: services bound once by `createAgent`. */
export interface AgentRuntime {
  name: string;
  machine: AnyStateMachine;
  /** Hash of the machine's definition, stored with every checkpoint. */
  machineVersion: string;
  /**
   * The machine's version before its child machines were part of it, when it has any: a
   * checkpoint stored under it is restored as before (see `versionWithoutChildMachines`).
   */
  versionWithoutChildMachines: string | undefined;
  models: ReadonlyMap<string, readonly ChatModel[]>;
  modelPolicy: ModelCallPolicy;
  /** The model-call middleware chain every model call goes through, composed once. */
  pipeline: ModelCallPipeline;
  checkpointer: Checkpointer;
  limits: RunLimits;
  clock: Clock;
  generateId: IdGenerator;
  events: RunEvents;
  /** Counts a request's tokens for the context budget, per model. */
  tokenCounterFor(model: ChatModel): TokenCounter;
  /** The agent-wide context budget; an effect may override parts per call. */
  budget: ContextBudgetOptions | undefined;
  /** The model alias that compresses history, when a budget strategy asks for it. */
  summariserModel: string | undefined;
  prices: PriceTable | undefined;
  cache: ResponseCache | undefined;
  costLedger: CostLedger | undefined;
  quota: TenantQuota | undefined;
  /** How long a run's lease on its thread lasts without a heartbeat. */
  leaseTtlMs: number;
  /** Renews the leases of this agent's runs, every third of `leaseTtlMs`. */
  leaseHeartbeat: LeaseHeartbeat;
  /** Leases ended runs of this agent could not give up (see {@link StrandedLeases}). */
  strandedLeases: StrandedLeases;
  /** The most bytes one value may take in a journal row (see `capJournalValue`). */
  maxJournalValueBytes: number;
  /** Freeze the context at each checkpoint (see `AgentOptions.freezeContext`). */
  freezeContext: boolean;
  /**
   * Redacts secrets and personal data; the checkpointer and the events already apply it,
   * effects use it where they compare what they would store with what was stored.
   */
  redactor: Redactor;
  /**
   * Set for a child agent (`agentActor`): the limit its parent's family — the parent, its other
   * children, this child — would cross with a model call of the child's (the parent's
   * `limitBeforeModelCall`). The family shares the parent's limits.
   */
  parentLimit?: ((next: NextModelCall) => LimitInfo | undefined) | undefined;
  /** Receives every run's XState inspection events (the inspector protocol). */
  inspect: Observer<InspectionEvent> | ((event: InspectionEvent) => void) | undefined;
}
