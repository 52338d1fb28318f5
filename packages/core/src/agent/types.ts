import type {
  AnyStateMachine,
  ContextFrom,
  EventFrom,
  InputFrom,
  InspectionEvent,
  Observer,
  OutputFrom,
} from 'xstate';
import type { z } from 'zod';
import type { TokenCounter } from '../budget/token-counter';
import type { ContextBudgetOptions } from '../budget/types';
import type { ResponseCache } from '../cache/create-response-cache';
import type { Clock, IdGenerator } from '../clock/clock';
import type { CostLedger } from '../cost/cost-ledger';
import type { PriceTable } from '../cost/resolve-pricing';
import type { AgentchartError } from '../errors/agentchart-error';
import type { RunEvents } from '../events/run-events';
import type { RunEventListener } from '../events/types';
import type { JournalEntry } from '../ledger/types';
import type { ChatModel } from '../model/types';
import type { ModelCallMiddleware } from '../pipeline/types';
import type { ModelCallPolicy } from '../reliability/types';
import type { PendingHumanWait, RunLimits, RunOutcome } from '../run/types';
import type { RedactionOptions } from '../security/create-redactor';
import type { Checkpoint, Checkpointer, CheckpointSummary } from '../store/types';
import type { TenantQuota } from '../tenancy/types';
import type { ModelsFor, ModelsOptionFor } from './model-aliases';
import type { ThreadTenantCheck } from './thread-tenant';

/**
 * Options of {@link createAgent}. `models` is required when the machine's effects name model
 * aliases (see {@link ModelsOptionFor}).
 */
export type AgentOptions<TMachine extends AnyStateMachine> = AgentSettings<TMachine> &
  ModelsOptionFor<TMachine>;

/** The options of {@link createAgent}, `models` among them optional (see {@link AgentOptions}). */
export interface AgentSettings<TMachine extends AnyStateMachine> {
  /** The agent's control flow, made with XState's `setup()`. */
  machine: TMachine;
  /**
   * The zod schema of a new thread's input, checked by `start` and `run` before anything is
   * stored: input that breaks it is refused with `agent.invalid_input` (the zod issues in
   * `issues`) and no thread starts. The machine gets what it parses to (defaults filled,
   * unknown keys stripped). Without it, input reaches the machine as it is given: TypeScript
   * checks it in code, nothing checks it from `agentchart run --input`, a request body or a
   * job, and a misnamed key runs the chart, and pays its model calls, on `undefined`. Input
   * nested more than 256 levels deep is refused with `agent.invalid_input` either way, as a
   * deeper event or reply is: no checkpoint could keep it.
   */
  input?: z.ZodType<InputFrom<TMachine>> | undefined;
  /**
   * Models by the alias effects use (`model: 'fast'`): every alias the machine's effects
   * name must be here — a missing or misspelt one is a type error. An array is a fallback
   * chain: the next is tried when the one before cannot answer (breaker open, retries
   * spent, an endpoint-specific failure); a chain listing one model twice is refused.
   */
  models?: ModelsFor<TMachine> | undefined;
  /**
   * The one place model calls are retried and limited. Default: a reliability policy per
   * agent (`createReliabilityPolicy()` on the agent's clock: retries with jitter, a
   * per-attempt timeout, a deadline, a breaker and a retry budget per endpoint). Tests that
   * want exactly one attempt pass `singleAttemptPolicy`.
   */
  modelPolicy?: ModelCallPolicy | undefined;
  /**
   * Your own model-call middleware (guards, redaction, logging), run in order inside the
   * journal and the run's limits, before the response cache and the reliability policy.
   */
  middleware?: readonly ModelCallMiddleware[] | undefined;
  /**
   * How long a run's lease on its thread lasts without a heartbeat (renewed every third of
   * it). Another process may take a thread over only once its owner's lease has lapsed, so
   * this is also how long a crashed process's threads wait before another resumes them.
   * Default 30 000.
   */
  leaseTtlMs?: number | undefined;
  /**
   * The most bytes one value — a tool's output, an error's details — may take in a journal
   * row. Larger tool outputs fail with `tool.output_too_large` (a tool loop keeps the text
   * the model reads, capped like the history); a larger reply to a human wait is refused with
   * `human.invalid_reply` (the wait stays open); larger error details, and a larger tool call
   * input, are kept as size, hash and preview (a replay and a resume compare an input by its
   * hash: ADR 0081). Default 1 MiB.
   */
  maxJournalValueBytes?: number | undefined;
  /**
   * Receives every run's XState inspection events (actors, events, snapshots), as
   * `createActor(machine, { inspect })` would: pass `@statelyai/inspect`'s `inspect`. Their
   * snapshots and events are redacted (see `redact`) before the observer sees them. An
   * observer that throws never breaks a run: the event is skipped, and its first error is an
   * `agent.warning` (`inspect_failed`).
   */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void) | undefined;
  /**
   * Where checkpoints and the effect journal are kept. Default: in memory (gone with the
   * process, and keeping every thread it ran until `prune()`: see `MemoryCheckpointer`). For
   * durable runs pass `new SqliteCheckpointer({ path: '.agentchart/runs.db' })`.
   */
  checkpointer?: Checkpointer | undefined;
  /**
   * Called when a thread's checkpoint was written by another version of the machine (its
   * definition hash differs). Return the checkpoint rewritten for this machine (its snapshot
   * moved to the new states), or undefined to refuse; without it such a thread is refused
   * with `checkpoint.version_mismatch`. A returned snapshot whose state value this machine
   * lacks, or whose effects run under invoke ids no active state has (a renamed state's
   * generated id), is refused with `checkpoint.invalid_migration` before anything is written;
   * so is a migrate that throws, or returns what is not a checkpoint (no `snapshot` or `run`).
   */
  migrate?: MigrateCheckpoint | undefined;
  /**
   * Drop a run from memory once it rests `waiting` and its checkpoint is written: only the
   * store holds it; `agent.send()` / `agent.resume()` restore it. A wait's deadline or a
   * delayed event still wakes it on time in this process. A handle follows its thread: its
   * `reply()` and `send()` restore an evicted run from the store (as `agent.send()` does) and
   * `result()` waits for that. A reply a restored wait refuses is reported by `result()`,
   * not thrown by `reply()`. Default: true, with every store — the in-memory one included,
   * where an evicted waiting run is its stored checkpoint (about 2.4 KB, against about 12 KB
   * live). `false` keeps waiting runs live: a wrong reply through the handle throws at once.
   */
  evictWaiting?: boolean | undefined;
  /**
   * Keep a timer in this process for each waiting run that left memory (`evictWaiting`), set
   * for its next deadline or delayed event, and restore the thread when it falls due. Default
   * true: without a worker, nothing else wakes it. A timer stays until it fires, so a thread
   * answered by another process keeps its timer here until the deadline it had (about 0.6 KB
   * each). `false` keeps nothing per waiting thread, for a host that finds due threads in the
   * store itself: `createPostgresWorker` and `agentchart worker` give it to the agents they
   * create (`HostedAgentOptions`), so a worker whose threads other workers answer does not
   * grow with them (ADR 0105). A run due within a second stays in memory either way.
   */
  wakeWaiting?: boolean | undefined;
  /**
   * Freeze the machine's context as each step is checkpointed, so the next checkpoint shares
   * what did not change and costs what the step changed, not the size of the context (see
   * `docs/performance.md`). An action that then changes in place (instead of through
   * `assign`, as XState asks) a part of the context a checkpoint holds fails the run with
   * `run.context_mutated`; a part no checkpoint holds yet (made earlier in the same turn of
   * the event loop) is stored as it is when the turn's checkpoint is written. `false`
   * copies the context at every checkpoint instead: in-place changes are stored, and a step
   * costs time in proportion to the whole context. Default true.
   */
  freezeContext?: boolean | undefined;
  limits?: RunLimits | undefined;
  /** Name shown in events and logs. Default: the machine's id. */
  name?: string | undefined;
  clock?: Clock | undefined;
  /**
   * Makes thread ids (when `start` is given none), lease owners and timer ids. Default:
   * version-7 UUIDs on the agent's clock, which sort by creation time and keep a store's
   * indexes by thread appending at their end.
   */
  generateId?: IdGenerator | undefined;
  /**
   * Counts tokens for the context budget: one counter, or one per model (e.g. the exact
   * tokenizer from `@agentchart/tokenizer`). Default: core's documented estimate.
   */
  tokenCounter?: TokenCounter | ((model: ChatModel) => TokenCounter) | undefined;
  /**
   * The context budget every model call is planned against (sections, priorities,
   * strategies, reserved output). A request is never sent over the model's window.
   */
  budget?: ContextBudgetOptions | undefined;
  /** The model alias that compresses history when a budget strategy is `compress-history`. */
  summariserModel?: string | undefined;
  /** Prices per model name, overriding the models' metadata. */
  prices?: PriceTable | undefined;
  /** An exact response cache shared by the agent's runs (see `createResponseCache`). */
  cache?: ResponseCache | undefined;
  /** Records the cost of every model call, queryable per run, tenant and model. */
  costLedger?: CostLedger | undefined;
  /** Per-tenant request and token quotas across runs; runs name their tenant at start. */
  quota?: TenantQuota | undefined;
  /**
   * Secrets and personal data replaced before anything is checkpointed, journaled, emitted
   * as an event or logged. The API keys the agent's models hold (`ChatModel.secrets`) and,
   * by default, the values of environment variables named like credentials are always
   * redacted. A run restored from storage sees the replacement text: keep secrets out of
   * the chart's context (a tool holds its own credentials).
   */
  redact?: RedactionOptions | undefined;
  /**
   * Tool output and `untrusted` messages reach the model fenced as data, and the system
   * prompt tells it never to follow instructions inside the fences. Default true; `false`
   * sends them as they are.
   */
  fenceUntrusted?: boolean | undefined;
}

/** Rewrites a checkpoint of an older machine version for this machine; see {@link AgentOptions.migrate}. */
export type MigrateCheckpoint = (
  checkpoint: Checkpoint,
  versions: MigrationVersions,
) => Checkpoint | undefined | Promise<Checkpoint | undefined>;

/** The machine versions a {@link MigrateCheckpoint} moves a checkpoint between. */
export interface MigrationVersions {
  /** The version that wrote the checkpoint. */
  from: string;
  /** This agent's machine version. */
  to: string;
  /**
   * Set when this thread was checkpointed by `to` before `from` moved it on: it comes back
   * from a later deploy to the code it left — a rollback, or an old process still running in
   * a rolling deploy — not from an older one. Return undefined to leave it to the processes
   * that run `from`; returned as it is, that deploy's snapshot runs with this code.
   */
  movedOn?: true;
}

/** Options of {@link Agent.fork}. */
export interface ForkOptions<TContext = unknown> {
  /** The thread to fork. */
  from: string;
  /**
   * The tenant the caller acts for. When given, a `from` thread that is not this tenant's
   * (another tenant's, one of no tenant, or none) is refused with `run.wrong_tenant` before
   * anything is read back or written. The fork belongs to the source's tenant, so a checked
   * fork is this tenant's.
   */
  tenantId?: string | undefined;
  /** The checkpoint version to fork from. Default: the latest. */
  version?: number | undefined;
  /** The new thread's id; generated when absent. */
  threadId?: string | undefined;
  /** The new thread's context: a replacement, or a function of the checkpoint's context. */
  context?: TContext | ((context: TContext) => TContext) | undefined;
}

/** Options of {@link Agent.replay}. */
export interface ReplayOptions {
  /**
   * Receives the replay's events (they do not go to `agent.events`). A replay writes nothing,
   * so no `checkpoint.write` is among them.
   */
  onEvent?: RunEventListener | undefined;
}

/** The outcome type of an agent's machine. */
export type RunOutcomeFrom<TMachine extends AnyStateMachine> = RunOutcome<OutputFrom<TMachine>>;

/** Options of {@link Agent.start}. */
export interface StartOptions<TInput> extends CancelOptions {
  /**
   * The thread's id; generated when absent. Starting an existing thread is an error. At most
   * 1,000 bytes of UTF-8, with no control character and no lone surrogate: what every store
   * can keep and index as it is (refused with `definition.invalid_option` otherwise).
   */
  threadId?: string | undefined;
  input: TInput;
  /**
   * The tenant this run's model calls are charged to: its quota and cost ledger entries.
   * Checked as `threadId` is, before anything is stored.
   */
  tenantId?: string | undefined;
  /**
   * Takes the thread's lease even when another run holds it: for a start that a process
   * began and died in before its first checkpoint (its lease stays live until it expires).
   * Only when that process is known to be gone: an effect it has in flight may still act.
   * A thread that has a checkpoint is still refused (resume it instead).
   */
  force?: boolean | undefined;
}

/** The `signal` option of `start`, `run`, `send` and `resume`. */
export interface CancelOptions {
  /**
   * Stops the run as `handle.stop()` does when it aborts while the run works — until the run
   * next comes to rest (done, waiting, failed, limit or stopped); after that it does nothing,
   * so a request's signal that aborts once its response is sent leaves a waiting thread
   * waiting. Pass the signal of the HTTP request that started or continued the run: a client
   * that goes away stops the work it asked for. (`node:http` gives none: abort one on the
   * response's `close` before it finished — its request's `close` comes once the body is read.)
   * One that has aborted already throws its
   * reason, as `fetch` does, before anything is restored or stored.
   */
  signal?: AbortSignal | undefined;
}

/** A live run: send it events, wait for its outcome, stop it. */
export interface RunHandle<TMachine extends AnyStateMachine = AnyStateMachine> {
  readonly threadId: string;
  /** The next time the run comes to rest: done, waiting, failed, limit or stopped. */
  result(): Promise<RunOutcomeFrom<TMachine>>;
  /**
   * Sends one of the machine's events (typed from it: a misspelt type or a missing field does
   * not compile) to the run; a `{ type: 'human.reply', value, waitId? }` answers its wait,
   * as {@link RunHandle.reply} does. Throws `run.invalid_event` for what is not an event and
   * for the events XState and the harness send themselves, and `run.event_not_taken` for one
   * no active state takes now (see {@link Agent.send}); a run that left memory reports the
   * refusal through `result()`, once.
   */
  send(event: EventFrom<TMachine> | HumanReplyEvent): void;
  /**
   * Answers a pending human wait; `waitId` may be left out when only one is pending. Without
   * it while several are pending, the reply is refused with `human.ambiguous_reply`. A run
   * just resumed from `waiting` whose wait has not reopened yet (a child agent's, back once
   * the child's thread is restored) gets the reply at its next rest, as `agent.send()` gives
   * it; one it has no wait for then is refused through `result()`.
   */
  reply(value: unknown, waitId?: string): void;
  /**
   * Human waits pending now. A run just resumed from `waiting` lists a child agent's wait only
   * once the child's thread is restored, after `agent.resume()` has returned: the `waiting`
   * outcome `result()` resolves with at its rest lists them all.
   */
  waits(): PendingHumanWait[];
  /**
   * Stops the run: effects are aborted, the outcome is `stopped` (or the one it had already
   * ended with), and the store says so. A waiting run that left memory (`evictWaiting`) is
   * restored from the store to be stopped; that is refused with `agent.closed` once the agent
   * is closed, and with `checkpoint.lease_held` while another process holds the thread. A run
   * `agent.close()` handed back mid-work is not stopped: `stop()` resolves with the outcome it
   * was handed back with (`stopped`, `handedBack: true`), and the store still says `running`,
   * so whoever resumes the thread goes on with it. To stop such a thread, stop it through an
   * agent that is not closed: `(await agent.resume(threadId)).stop()`.
   */
  stop(): Promise<RunOutcomeFrom<TMachine>>;
  /**
   * The machine's current snapshot. For a waiting run that left memory (`evictWaiting`), the
   * one it rested with, which its checkpoint keeps: `status` `active`, the same `value` and
   * `context`, and `children` naming the actors it had — stopped with it, so read their
   * snapshots but do not send to them; the handle's `send()` and `reply()` restore the thread.
   * Once the thread is restored in this process, the restored run's live snapshot.
   */
  getSnapshot(): ReturnType<TMachine['resolveState']>;
}

/** An agent: a machine bound to models, storage and limits. */
export interface Agent<TMachine extends AnyStateMachine = AnyStateMachine> {
  readonly name: string;
  readonly machine: TMachine;
  /** Every run's events. */
  readonly events: RunEvents;
  /**
   * Starts a new thread. A thread id running in this process throws `run.already_running`;
   * one the store already holds — another process runs it, or it has a checkpoint — is found
   * out at the start's first write: the handle's `result()` rejects with the same
   * `run.already_running` (its `cause` the store's `checkpoint.lease_held` or
   * `checkpoint.conflict`), nothing of the start is stored, and the thread is left as it was.
   */
  start(options: StartOptions<InputFrom<TMachine>>): RunHandle<TMachine>;
  /**
   * Continues a thread from its latest checkpoint (after a crash, or in another process).
   * Refused with `checkpoint.lease_held` while another process's lease on it is live, and
   * with `run.wrong_tenant` when `options.tenantId` is not the thread's tenant.
   */
  resume(threadId: string, options?: ResumeOptions): Promise<RunHandle<TMachine>>;
  /**
   * Delivers one of the machine's events (typed from it, as XState's `actor.send` is) or a
   * human reply to a thread, resuming it first if it is not live. Refuses with `run.invalid_event` (before restoring anything) what is not an event and the
   * events XState and the harness send themselves (`xstate.*`, `limit.reached`): only a
   * reply that fits a wait's schema grants the wait. With `options.tenantId`, a thread not
   * started for that tenant is refused with `run.wrong_tenant`, before anything else. An event no active state takes now (no
   * transition, or its guards refuse it: a chat's user message sent while the agent still
   * answers the last one) is refused with `run.event_not_taken`, which names the states and
   * the events they take; XState would drop it unseen. Nothing is delivered: no step, no
   * checkpoint, nothing counted toward a limit, a waiting thread restored for it back at rest
   * with its lease given up. Send it again once the run waits, or let the chart take it in
   * every state (a root handler that queues it). Replies, timers and `limit.reached` are the
   * harness's and never refused so.
   */
  send(
    threadId: string,
    event: EventFrom<TMachine> | HumanReplyEvent,
    options?: SendOptions,
  ): Promise<RunHandle<TMachine>>;
  /**
   * Runs a thread to its next rest: a shortcut for `start(...).result()`. What `start` would
   * throw (a thread already running here, a bad option, a closed agent) rejects the promise,
   * and so does a thread id another process holds or the store has (`run.already_running`).
   */
  run(options: StartOptions<InputFrom<TMachine>>): Promise<RunOutcomeFrom<TMachine>>;
  /**
   * The thread's journal, oldest effect first. A thread that ran no effect, and a thread id
   * the store has never seen, both give `[]`: `getCheckpoint(threadId)` tells them apart.
   */
  journal(threadId: string): Promise<JournalEntry[]>;
  /** The thread's checkpoints, oldest first, without their state (time travel: pick a step). */
  history(threadId: string): Promise<CheckpointSummary[]>;
  /**
   * The thread's state at one checkpoint (the latest when `version` is absent): the machine's
   * persisted snapshot (`value`, `context`), the run's status and usage.
   */
  getCheckpoint(threadId: string, version?: number): Promise<Checkpoint | undefined>;
  /**
   * Starts a new thread from a checkpoint of another, optionally with edited context. The
   * source thread is untouched; effects in flight at that checkpoint run again in the fork,
   * which belongs to the source's tenant. With `options.tenantId`, a source not started for
   * that tenant is refused with `run.wrong_tenant`, before anything is read or written.
   */
  fork(options: ForkOptions<ContextFrom<TMachine>>): Promise<RunHandle<TMachine>>;
  /**
   * Re-runs a recorded thread from its input with this agent's machine, answering every
   * model call, tool call and human wait from the thread's journal: nothing executes and
   * nothing is written. Rejects with a `ReplayError` naming the step when the code takes a
   * different path than the recording (a step the journal lacks or has with another input,
   * or recorded steps it ends without reaching); otherwise resolves with the outcome it reaches (for a
   * thread stopped or handed back mid-step, `stopped`, as its run ended).
   */
  replay(threadId: string, options?: ReplayOptions): Promise<RunOutcomeFrom<TMachine>>;
  /**
   * Lets go of everything the agent holds in this process. A working run starts no new step
   * from the call on — no model call, tool call or child agent; a wait for a person still
   * opens — and `close()` waits up to `timeoutMs` for the steps in flight to finish (so none
   * is cut off and paid for twice, here and by whoever resumes the thread); a send or resume
   * made just before the call is waited for too, within the same `timeoutMs` (one whose store
   * has not answered by then restores nothing and fails with `agent.closed`). Then it evicts
   * every run (its checkpoint
   * stays; a run still working is handed back as `running`, for `resume()` here or elsewhere,
   * and its `result()` resolves `stopped` with `handedBack: true`; its next step runs there),
   * releases leases and timers — the lease of a
   * run whose `unsafe` tool may still be acting only once the tool has settled (at most one
   * `leaseTtlMs` later), so nobody else resumes the thread and sends again meanwhile; what
   * such a tool returns is journaled before the lease goes, so whoever resumes the thread
   * finds the step done (one that never returns stays unfinished, for `reconcile`). Resolves
   * once every lease is released — so the store may be closed right after — which for such
   * a run can be up to `timeoutMs` plus one `leaseTtlMs`; a second call resolves no sooner
   * than the first. Later calls to `start`, `resume` or `send` fail with `agent.closed`. A
   * process whose runs all rest exits by itself even without `close()`.
   */
  close(options?: CloseOptions): Promise<void>;
}

/**
 * Options of {@link Agent.send}. A service with several tenants passes the tenant its request
 * is authenticated as: a thread id learnt from another tenant then reaches nothing.
 */
export interface SendOptions extends ThreadTenantCheck, CancelOptions {}

/** Options of {@link Agent.resume}. */
export interface ResumeOptions extends ThreadTenantCheck, CancelOptions {
  /**
   * Take the thread even while another process's lease on it is live. Only when that
   * process is known to be gone: a live owner's in-flight unsafe effect could act twice.
   * The thread is taken only from the run its checkpoint names: when another process took
   * it over first (another forced resume, say), this resume is refused with
   * `checkpoint.lease_held` before it runs anything.
   */
  force?: boolean | undefined;
}

/** Options of {@link Agent.close}. */
export interface CloseOptions {
  /**
   * How long to wait for the steps working runs have in flight to finish (a run starts no new
   * step, so one with more to do is handed back after them, not run to its rest), and for
   * sends and resumes made just before `close()` to restore their threads. Default 10 000.
   */
  timeoutMs?: number | undefined;
}

/** The event that answers a human wait through {@link Agent.send}. */
export interface HumanReplyEvent {
  type: 'human.reply';
  value: unknown;
  waitId?: string | undefined;
}

/** A run error kept as thrown, for callers that want the class. */
export type AnyAgentchartError = AgentchartError;
