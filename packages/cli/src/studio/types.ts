/**
 * What the studio's server and its page exchange as JSON. The page imports these types only;
 * nothing here runs in the browser.
 */

/** Where a run is (the store's status). */
export type StudioRunStatus = 'running' | 'waiting' | 'done' | 'failed' | 'limit' | 'stopped';

/** One run in the list. */
export interface RunSummary {
  threadId: string;
  status: StudioRunStatus;
  /** The agent's name, else its machine's id, else `machine <hash>` when no module names it. */
  agent: string;
  machineVersion: string;
  startedAt: number;
  updatedAt: number;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  modelCalls: number;
  toolCalls: number;
  steps: number;
  /** A waiting run's question to a human. */
  waitingFor?: string;
  /** Set on a child agent's run: the thread of the parent that runs it (and answers its waits). */
  parentThreadId?: string;
}

/** Filters and page of the run list. */
export interface RunQuery {
  status?: StudioRunStatus;
  agent?: string;
  /** Part of the thread id. */
  search?: string;
  offset?: number;
  limit?: number;
}

/** A page of the run list: waiting runs first, then the most recently updated. */
export interface RunPage {
  runs: RunSummary[];
  /** Runs matching the filters, over all pages. */
  total: number;
  /** Runs per status in the whole database. */
  statusCounts: Partial<Record<StudioRunStatus, number>>;
  /** Agents the list can be filtered by. */
  agents: string[];
}

/** One top-level context field a step changed. */
export interface ContextChange {
  key: string;
  /** Absent when the field is new. */
  before?: unknown;
  /** Absent when the field was removed. */
  after?: unknown;
}

/** The budget ledger of a model call: tokens per context section. */
export interface StepLedger {
  contextWindow: number;
  sections: Record<string, number>;
  sectionsBefore?: Record<string, number>;
  inputTokens: number;
  reservedOutputTokens?: number;
  tokenTax?: number;
  trimmed?: number;
}

/** A message of a model call, as sent. */
export interface StepMessage {
  role: string;
  content: string;
  name?: string;
  toolCalls?: { name: string; arguments: string }[];
}

/** Fields every step has. */
interface StepBase {
  /** Position in the run's timeline. */
  index: number;
  /** When it happened (a checkpoint's write, an effect's start), ms since the epoch. */
  at: number;
  /** State ids (paths joined with `.`) active at this step; `''` is the machine. */
  activeStates: string[];
}

/** A checkpoint: the machine settled after a macrostep. */
export interface CheckpointStep extends StepBase {
  kind: 'checkpoint';
  version: number;
  status: StudioRunStatus;
  /** Context fields this macrostep changed. */
  contextChanges: ContextChange[];
  /** Usage of the run so far. */
  costUsd: number;
  tokens: number;
}

/** A journaled effect: a model call, a tool call, a human wait, a child agent. */
export interface EffectStep extends StepBase {
  kind: 'model-call' | 'tool-call' | 'human-wait' | 'agent';
  key: string;
  /** The effect's site: the invoke id (and below it, for nested effects). */
  site: string;
  /** The state whose invoke ran it, when the chart is known. */
  state?: string;
  /** A model name, a tool name, `human`, a child agent. */
  name: string;
  status: 'started' | 'completed' | 'failed';
  effect: 'pure' | 'idempotent' | 'unsafe';
  latencyMs?: number;
  error?: { code?: string; message: string };
  // Model calls.
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  attempts?: number;
  cached?: boolean;
  messages?: StepMessage[];
  tools?: string[];
  /** The versioned prompt the call used: `triage-prompt v3`. */
  promptVersion?: string;
  response?: StepMessage;
  ledger?: StepLedger;
  // Tool calls, human waits, child agents.
  input?: unknown;
  output?: unknown;
  // Human waits.
  prompt?: string;
  replySchema?: unknown;
  deadline?: number;
  /** A human wait that is an approval (`askApproval` records its arguments' hash). */
  approval?: true;
  /**
   * A `started` unsafe tool call whose tool returned after its run ended or its state was
   * left (`meta.lateResult`, ADR 0083): it acted, though the chart never saw the result.
   */
  lateResult?: { output: unknown; finishedAt: number; latencyMs: number };
}

/** One step of a run's timeline. */
export type RunStep = CheckpointStep | EffectStep;

/** Cost and time spent in one state over a run. */
export interface StateHeat {
  costUsd: number;
  durationMs: number;
  modelCalls: number;
  tokens: number;
}

/** A pending human wait of a run. */
export interface PendingWait {
  waitId: string;
  prompt: string;
  /**
   * The JSON Schema a reply must fit: the one the studio's agent checks replies with, when it
   * was given the agent and its `humanWait` there; else the one recorded when the wait opened.
   */
  replySchema?: unknown;
  /**
   * Set when the agent's code checks replies with another schema than the one recorded when
   * the wait opened (a deploy changed it since): the recorded one, which a reply need not fit.
   */
  recordedReplySchema?: unknown;
  deadline?: number;
  /** An approval (`askApproval`): past its deadline a reply is refused with `approval.expired`. */
  approval?: true;
  /**
   * Set for a child agent's wait shown on its parent's run: the child's own thread. The reply
   * goes to the parent, whose `waitId` names the wait by that child.
   */
  childThreadId?: string;
}

/** Everything the run view shows. */
export interface RunDetail {
  summary: RunSummary;
  input: unknown;
  output?: unknown;
  steps: RunStep[];
  /** Per state id. */
  heat: Record<string, StateHeat>;
  waits: PendingWait[];
  /** Whether the studio can answer waits (it was given the agent's module). */
  canReply: boolean;
}

/** A chart the page draws: the SVG from the same layout as `agentchart graph --format svg`. */
export interface ChartView {
  machineId: string;
  svg: string;
  width: number;
  height: number;
  /** Transitions by id, for highlighting the path taken. */
  transitions: { id: string; source: string; target: string }[];
  /** State ids, outermost first. */
  states: string[];
}

/** An actor seen through the XState inspector protocol. */
export interface InspectedActorSummary {
  /** The studio's key for it: its session id, after its source when it has one. */
  id: string;
  /** Its XState session id, unique only within the process that ran it. */
  sessionId: string;
  /** Where it was seen: the recording file, or the inspector connection. */
  source?: string;
  name: string;
  parentId?: string;
  rootId?: string;
  /** Messages received for it. */
  events: number;
  firstAt: string;
  lastAt: string;
  /** Its current state value's active ids. */
  activeStates: string[];
  status?: string;
}

/** One step of an inspected actor: an event it received, and the snapshot after it. */
export interface InspectedStep {
  index: number;
  at: string;
  event: { type: string; [key: string]: unknown };
  sourceId?: string;
  activeStates: string[];
  context?: unknown;
}

/** An inspected actor with its chart and steps. */
export interface InspectedActorDetail {
  actor: InspectedActorSummary;
  chart?: ChartView;
  steps: InspectedStep[];
}

/** What the server pushes on its event stream. */
export type StudioNotice =
  | { type: 'runs'; token: string }
  | { type: 'inspector'; actorIds: string[] };
