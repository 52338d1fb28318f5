import type { AnyStateMachine, EventObject, InputFrom } from 'xstate';
import { tokenCounterResolver } from '../budget/check-token-counter';
import { estimateTokenCounter } from '../budget/create-token-counter';
import { type Clock, systemClock, timeOrderedIds } from '../clock/clock';
import { AgentchartError } from '../errors/agentchart-error';
import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue, optionNamesOf } from '../errors/option-names';
import { RunError } from '../errors/run-error';
import { RunEvents } from '../events/run-events';
import { redactingCheckpointer } from '../ledger/redact-records';
import type { ChatModel } from '../model/types';
import { createModelCallPipeline } from '../pipeline/create-model-call-pipeline';
import { createReliabilityPolicy } from '../reliability/create-reliability-policy';
import { maxTimerMs, validateNumberOption } from '../reliability/validate-option';
import type { AgentRuntime } from '../run/agent-runtime';
import { unrefTimer } from '../run/keep-alive';
import { LeaseHeartbeat } from '../run/lease-heartbeat';
import { boundedMachine } from '../run/microstep-bound';
import { Run } from '../run/run';
import { runClock } from '../run/run-clock';
import { endedError } from '../run/run-errors';
import { isEndedStatus, storedStatusOf } from '../run/run-lifecycle';
import { assertSendableEvent } from '../run/sendable-event';
import { StrandedLeases } from '../run/stranded-leases';
import { createRedactor } from '../security/create-redactor';
import { redactingInspect } from '../security/redacting-inspect';
import { CheckpointError } from '../store/checkpoint-error';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { checkAgentOptions } from './check-agent-options';
import { checkAgentShapes } from './check-agent-shapes';
import { checkStartInput } from './check-start-input';
import { childLateReply } from './child-late-reply';
import { forkThread } from './fork-thread';
import { machineVersionOf, versionWithoutChildMachines } from './inspect-machine';
import { LiveRuns } from './live-runs';
import { replayThread } from './replay-thread';
import { loadCheckpoint, restoreRun } from './restore-thread';
import { handleOf } from './run-handle';
import { startRefusalOf } from './start-refusal';
import { checkSignal, stopOnAbort } from './stop-on-abort';
import { assertTenantId } from './tenant-id';
import { assertNewThreadId, assertThreadId } from './thread-id';
import { assertThreadOfTenant } from './thread-tenant';
import type {
  Agent,
  AgentOptions,
  CloseOptions,
  ForkOptions,
  HumanReplyEvent,
  ReplayOptions,
  ResumeOptions,
  RunOutcomeFrom,
  SendOptions,
  StartOptions,
} from './types';
import { validateAgent } from './validate-agent';

const startOptionNames = optionNamesOf<StartOptions<unknown>>({
  threadId: true,
  input: true,
  tenantId: true,
  force: true,
  signal: true,
});
const resumeOptionNames = optionNamesOf<ResumeOptions>({
  force: true,
  tenantId: true,
  signal: true,
});
const sendOptionNames = optionNamesOf<SendOptions>({ tenantId: true, signal: true });
const forkOptionNames = optionNamesOf<ForkOptions>({
  from: true,
  version: true,
  threadId: true,
  context: true,
  tenantId: true,
});
const replayOptionNames = optionNamesOf<ReplayOptions>({ onEvent: true });
const closeOptionNames = optionNamesOf<CloseOptions>({ timeoutMs: true });

/**
 * Binds a machine made with XState's `setup()` to the services its effects use — models,
 * the model call policy, checkpoint storage, limits, clock — and checks the definition.
 *
 * @example
 * ```ts
 * const agent = createAgent({
 *   machine,
 *   models: { fast: openAIChatModel({ model: 'gpt-4o-mini' }) },
 *   checkpointer: new SqliteCheckpointer({ path: '.agentchart/runs.db' }),
 * });
 * const outcome = await agent.run({ input: { question: 'What is 2 + 2?' } });
 * if (outcome.status === 'done') console.log(outcome.output);
 * ```
 */
export function createAgent<TMachine extends AnyStateMachine>(
  options: AgentOptions<TMachine>,
): Agent<TMachine> {
  checkAgentShapes(options);
  const {
    machine,
    models = {},
    clock = systemClock,
    modelPolicy = createReliabilityPolicy({ clock }),
    middleware = [],
    checkpointer = new MemoryCheckpointer(),
    limits = {},
    generateId = timeOrderedIds(clock),
    migrate,
    evictWaiting,
    wakeWaiting = true,
    tokenCounter = estimateTokenCounter,
    leaseTtlMs = 30_000,
    maxJournalValueBytes = 1_048_576,
    freezeContext = true,
  } = options;
  const modelChains = new Map<string, readonly ChatModel[]>();
  for (const [alias, model] of Object.entries(models)) {
    modelChains.set(alias, Array.isArray(model) ? model : [model as ChatModel]);
  }
  const tools = validateAgent(machine, modelChains, options.summariserModel);
  checkAgentOptions({
    limits,
    leaseTtlMs,
    maxJournalValueBytes,
    models: modelChains,
    prices: options.prices,
  });
  const tokenCounterFor = tokenCounterResolver(tokenCounter);
  // Secrets never reach a checkpoint, the journal, an event or a log: the models' own keys
  // always, and what the agent was told to redact.
  const redactor = createRedactor({
    ...options.redact,
    modelSecrets: [...modelChains.values()].flat().flatMap((model) => model.secrets ?? []),
    toolSecrets: tools.flatMap((tool) => tool.secrets ?? []),
  });
  const runtime: AgentRuntime = {
    name: options.name ?? machine.id,
    machine: boundedMachine(machine),
    machineVersion: machineVersionOf(machine),
    versionWithoutChildMachines: versionWithoutChildMachines(machine),
    models: modelChains,
    modelPolicy,
    pipeline: createModelCallPipeline({
      policy: modelPolicy,
      tokenCounterFor,
      budget: options.budget,
      summariserModel: options.summariserModel,
      prices: options.prices,
      quota: options.quota,
      costLedger: options.costLedger,
      cache: options.cache,
      models: modelChains,
      middleware,
      fenceUntrusted: options.fenceUntrusted ?? true,
      redactor,
    }),
    checkpointer: redactingCheckpointer(checkpointer, redactor),
    limits,
    clock,
    generateId,
    events: new RunEvents(() => clock.now(), { redactor }),
    tokenCounterFor,
    budget: options.budget,
    summariserModel: options.summariserModel,
    prices: options.prices,
    cache: options.cache,
    costLedger: options.costLedger,
    quota: options.quota,
    leaseTtlMs,
    leaseHeartbeat: new LeaseHeartbeat(clock, leaseTtlMs, checkpointer),
    strandedLeases: new StrandedLeases(),
    maxJournalValueBytes,
    freezeContext,
    redactor,
    // The inspector protocol carries context and events out of the run: redacted like events.
    inspect: options.inspect && redactingInspect(options.inspect, redactor),
  };
  let closed = false;
  const resuming = new Map<string, Promise<Run>>();
  const live = new LiveRuns({
    // Wake-ups further away than a platform timer reaches (about 24.8 days: a wait of a month)
    // are armed in steps; a plain timer fired after 1 ms, and the thread was restored and
    // evicted again a thousand times a second.
    clock: runClock(runtime),
    // Waiting runs leave memory whatever the store: the in-memory store's copy of a run (its
    // checkpoints and journal, about 2.4 KB for a short run) is a fifth of the live run, its
    // actors and their parts; a durable store's is out of the heap (ADR 0025).
    evictWaiting: evictWaiting ?? true,
    // Another process may own the thread by now; then it is that process's to wake. A host
    // that wakes due threads from the store keeps no timer per waiting thread here.
    wake: wakeWaiting ? (threadId) => void restore(threadId).catch(() => undefined) : undefined,
    release: (threadId) => runtime.checkpointer.release?.(threadId),
  });
  /** Where a tenant check reads a thread's tenant: its run here, or its latest checkpoint. */
  const threadReaders = { live, checkpointer: runtime.checkpointer };

  const assertOpen = (what: string) => {
    if (closed) throw closedError(runtime.name, what);
  };

  /** Reads the thread's latest checkpoint and takes the thread over from it. */
  const claimThread = async (threadId: string, force: boolean) => {
    for (let read = 1; ; read++) {
      const checkpoint = await loadCheckpoint(runtime, threadId, { migrate, asRoot: true });
      try {
        return await restoreRun(runtime, checkpoint, force ? { force: 'checkpoint-owner' } : {});
      } catch (error) {
        // Another process moved the thread on between this read and this lease (it answered
        // the same wait a moment earlier): what it stored is the thread now, so read again,
        // and a reply sent twice meets the thread as it is (`run.not_waiting`).
        // Not when forced: the new checkpoint's owner is alive, and force takes a thread only
        // from its dead owner (ADR 0029).
        if (!force && read < maxRestoreReads && isClaimConflict(error)) continue;
        throw error;
      }
    }
  };

  /**
   * Calls let in before `close()` (a send or a resume past its checks, on its way to restore
   * its thread): `close()` waits until each has restored its thread or failed, then hands
   * those runs back with the rest. Without this, a send made just before `close()` restored
   * its thread after `close()` had resolved: the run worked in a closed agent, on a store its
   * caller may have closed, and kept its lease.
   */
  const admissions = new Set<Promise<void>>();
  /**
   * Set once `close()` stopped waiting for those calls, at its `timeoutMs`: a store read that
   * never answers must not hold it forever. A call that gets its answer later restores nothing
   * and fails with `agent.closed`.
   */
  let closeStoppedWaiting = false;
  const admit = (): (() => void) => {
    let done: () => void = () => undefined;
    const admitted = new Promise<void>((resolve) => {
      done = resolve;
    });
    admissions.add(admitted);
    return () => {
      admissions.delete(admitted);
      done();
    };
  };

  /**
   * The thread's run in this process, restored from its checkpoint when it is not live. Once
   * the agent is closed, only a call let in before (`admitted`) may restore.
   */
  const restore = (threadId: string, force = false, admitted = false): Promise<Run> => {
    if (closed && (!admitted || closeStoppedWaiting)) {
      return Promise.reject(closedError(runtime.name, `restoring thread "${threadId}"`));
    }
    const running = live.get(threadId);
    if (running) return Promise.resolve(running);
    const pending = resuming.get(threadId);
    if (pending) return pending;
    const restoring = (async () => {
      // A run of this thread that came to rest here a moment ago may still be giving its
      // lease up: this process would otherwise be refused its own thread.
      await live.letGo(threadId);
      const { run, checkpoint: claimed } = await claimThread(threadId, force);
      if (closeStoppedWaiting) {
        // Claimed after close() stopped waiting for it (the store answered late): the thread
        // goes back as it was, unstarted, its lease given up, so another process can take it.
        await runtime.checkpointer.releaseLease?.(threadId, run.owner).catch(() => undefined);
        throw closedError(runtime.name, `restoring thread "${threadId}"`);
      }
      live.track(run, { restored: true });
      run.start({ resumed: true, delayedEvents: claimed.delayedEvents ?? [] });
      return run;
    })().finally(() => resuming.delete(threadId));
    resuming.set(threadId, restoring);
    return restoring;
  };

  /** Delivers `event` to the thread, restoring it from the store when it is not in memory. */
  const deliver = async (
    threadId: string,
    event: EventObject | HumanReplyEvent,
    tenantId?: string,
  ) => {
    assertThreadId('agent.send', threadId);
    assertOpen(`sending an event to thread "${threadId}"`);
    // Refused before the thread is restored: a bad event changes nothing.
    assertSendableEvent(threadId, event);
    const admitted = admit();
    try {
      await assertThreadOfTenant('agent.send', threadId, tenantId, threadReaders);
    } catch (error) {
      admitted();
      throw error;
    }
    live.pin(threadId);
    let pinned = true;
    // A run restored for this event, not one that was in memory already.
    const inMemory = live.get(threadId);
    const wasLive = inMemory !== undefined;
    // Ended before this event reached it: in memory, or as the checkpoint restored says.
    const endedInMemory = inMemory !== undefined && isEndedStatus(storedStatusOf(inMemory.phase));
    const endedBefore = (run: Run) => endedInMemory || isEndedStatus(run.restoredFrom);
    let restored: Run | undefined;
    try {
      const restoring = restore(threadId, false, true);
      admitted();
      const run = await restoring;
      if (!wasLive) restored = run;
      if (event.type === 'human.reply') {
        const { value, waitId } = event as HumanReplyEvent;
        // A restored run lists a wait only once its effect has restarted and reopened it:
        // the reply is given as the wait reopens (so the run does not rest in between), or,
        // for a wait it cannot name yet (a child agent's, one of several), at the next rest.
        if (!hasWait(run, waitId)) {
          const target = waitId ?? run.onlyRecordedWait();
          const held = target === undefined ? undefined : run.replyOnceAdded(value, target);
          const rest = await (held
            ? Promise.race([held.given.then(() => undefined), run.result()])
            : run.result());
          if (rest === undefined) return run;
          held?.drop();
          if (!hasWait(run, waitId)) {
            const pending = run.waits().map((wait) => wait.waitId);
            throw (
              run.lateReply(waitId) ??
              // A child agent's wait, which the thread's own journal does not list.
              (waitId === undefined
                ? undefined
                : await childLateReply(runtime.checkpointer, threadId, waitId)) ??
              // Said as a handle says it: a thread that had ended was not moved by the reply.
              (endedBefore(run)
                ? endedError(threadId, rest.status, 'human.reply')
                : // The harness failed the run (a child agent whose chart changed without its
                  // migrate, a store that refused a write): that error is why the wait never
                  // opened, and the reply may be given again once it is fixed. Not
                  // `run.not_waiting`, which callers take for a reply answered already and drop.
                  rest.status === 'failed' && AgentchartError.isInstance(run.failure)
                  ? run.failure
                  : noWaitForReply(threadId, waitId, rest.status, pending))
            );
          }
        }
        run.reply(value, waitId);
      } else {
        run.send(event);
      }
      return run;
    } catch (error) {
      // Refused (a reply that does not fit its wait, say): a run restored for it from a
      // waiting thread comes back to rest with its wait open at once, goes back out of memory
      // as the pin goes, and gives its lease back before the caller hears — so another
      // process can answer the thread at once, and not a lease time later when this one
      // exits now. (A thread restored mid-work goes on working here: its lease stays.)
      if (restored?.restoredFrom === 'waiting') {
        await restored.result().catch(() => undefined);
        pinned = false;
        live.unpin(threadId);
        await live.letGo(threadId);
      } else if (restored && restored.restoredFrom !== 'running') {
        // A thread that had ended (a reply to a finished review): the run restored to hear
        // it ends again at once; its lease goes before the caller hears, or a caller that
        // exits on the error left the thread leased for a lease time.
        await restored.result().catch(() => undefined);
        await restored.released;
      }
      throw error;
    } finally {
      if (pinned) live.unpin(threadId);
    }
  };
  /**
   * Stops the thread's run, restoring it from the store first when it is not in memory (a
   * waiting run evicted): its stop is then stored, its waits closed, like a live run's.
   */
  const stopThread = async (threadId: string): Promise<Run> => {
    assertOpen(`stopping thread "${threadId}"`);
    // Kept in memory until stopped: a restored run coming to rest would be evicted again.
    live.pin(threadId);
    try {
      // Let in: the agent was open a moment ago, with nothing awaited since.
      const run = await restore(threadId, false, true);
      await run.stop();
      return run;
    } finally {
      live.unpin(threadId);
    }
  };
  const handle = (run: Run) =>
    handleOf<TMachine>(run, {
      deliver: (event) => deliver(run.threadId, event),
      stop: () => stopThread(run.threadId),
      findRestoring: () => resuming.get(run.threadId),
    });

  // `owner` names the method the user called in its errors: `run` starts too.
  const startRun = (startOptions: StartOptions<InputFrom<TMachine>>, owner: string): Run => {
    // A misspelt `threadID` would start a thread under a generated id, `tenantID` charge no tenant.
    checkOptionNames(owner, startOptions, startOptionNames);
    const { threadId = generateId(), tenantId, force = false, signal } = startOptions;
    checkForce(owner, force);
    checkSignal(owner, signal);
    assertNewThreadId(owner, threadId);
    if (tenantId !== undefined) assertTenantId(owner, tenantId);
    const input = checkStartInput(owner, runtime.name, options.input, startOptions.input);
    assertOpen(`starting thread "${threadId}"`);
    if (live.get(threadId)) {
      throw new RunError('run.already_running', {
        message: `Thread "${threadId}" is already running in this process. Use agent.send() to talk to it, or start a new thread id.`,
        details: { threadId },
      });
    }
    const run = new Run(runtime, threadId, {
      state: Run.initialState({ input, now: clock.now(), tenantId, agent: runtime.name }),
      version: 0,
      owner: generateId(),
      forceLease: force,
    });
    live.track(run, { restored: false });
    run.start({ resumed: false });
    return run;
  };
  const start = (startOptions: StartOptions<InputFrom<TMachine>>, owner = 'agent.start') => {
    const run = startRun(startOptions, owner);
    const started = handle(run);
    stopOnAbort(started, startOptions.signal);
    return {
      ...started,
      // Refused by the store (the thread is another process's, or exists): the start throws,
      // as it does for a thread running here, rather than report the thread failed.
      result: async () => {
        const outcome = await started.result();
        const refusal = startRefusalOf(run, outcome);
        if (refusal) throw refusal;
        return outcome;
      },
    };
  };

  return {
    name: runtime.name,
    machine,
    events: runtime.events,
    start: (startOptions) => start(startOptions),
    async resume(threadId, resumeOptions = {}) {
      assertThreadId('agent.resume', threadId);
      checkOptionNames('agent.resume', resumeOptions, resumeOptionNames);
      // Any truthy value would force: take the thread's lease from the process running it.
      checkForce('agent.resume', resumeOptions.force ?? false);
      checkSignal('agent.resume', resumeOptions.signal);
      assertOpen(`resuming thread "${threadId}"`);
      const admitted = admit();
      let restoring: Promise<Run>;
      try {
        await assertThreadOfTenant('agent.resume', threadId, resumeOptions.tenantId, threadReaders);
        restoring = restore(threadId, resumeOptions.force, true);
      } finally {
        admitted();
      }
      const resumed = handle(await restoring);
      stopOnAbort(resumed, resumeOptions.signal);
      return resumed;
    },
    async send(threadId: string, event: EventObject | HumanReplyEvent, sendOptions = {}) {
      checkOptionNames('agent.send', sendOptions, sendOptionNames);
      checkSignal('agent.send', sendOptions.signal);
      const sent = handle(await deliver(threadId, event, sendOptions.tenantId));
      stopOnAbort(sent, sendOptions.signal);
      return sent;
    },
    // What `start` refuses at the call (a thread already running, a bad option, a closed
    // agent) is this promise's rejection, where a caller of a promise looks for it. Not an
    // async function: while the run works it keeps one reaction, not a suspended frame.
    run: (startOptions) => {
      try {
        // With a signal to stop it, through a handle as `start` gives. Without one, the
        // handle's `result()`, asked at once, is the new run's own next rest (it has not left
        // memory yet), so the handle (a dozen closures, three promise hops, kept for the whole
        // run) is not made: 1,000 runs started at once each paid for one.
        if (startOptions?.signal !== undefined) return start(startOptions, 'agent.run').result();
        const run = startRun(startOptions, 'agent.run');
        return run.result().then((outcome) => {
          const refusal = startRefusalOf(run, outcome);
          if (refusal) throw refusal;
          return outcome as RunOutcomeFrom<TMachine>;
        });
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async journal(threadId) {
      assertThreadId('agent.journal', threadId);
      return checkpointer.listEffects(threadId);
    },
    async history(threadId) {
      assertThreadId('agent.history', threadId);
      return checkpointer.list(threadId);
    },
    async getCheckpoint(threadId, version) {
      assertThreadId('agent.getCheckpoint', threadId);
      if (version !== undefined) checkVersion('agent.getCheckpoint', version);
      return version === undefined
        ? checkpointer.latest(threadId)
        : checkpointer.get(threadId, version);
    },
    async fork(forkOptions) {
      assertThreadId('agent.fork (from)', forkOptions?.from);
      checkOptionNames('agent.fork', forkOptions, forkOptionNames);
      if (forkOptions.threadId !== undefined) assertNewThreadId('agent.fork', forkOptions.threadId);
      if (forkOptions.version !== undefined) checkVersion('agent.fork', forkOptions.version);
      assertOpen(`forking thread "${forkOptions.from}"`);
      // The fork runs as the source's tenant (its quota, its ledger, its context): a tenant
      // forks only its own threads.
      await assertThreadOfTenant(
        'agent.fork',
        forkOptions.from,
        forkOptions.tenantId,
        threadReaders,
      );
      const { run, checkpoint } = await forkThread(runtime, forkOptions, migrate);
      // A new thread, though it starts from another's checkpoint.
      live.track(run, { restored: false });
      run.start({ resumed: true, delayedEvents: checkpoint.delayedEvents ?? [] });
      return handle(run);
    },
    async replay(threadId, replayOptions) {
      assertThreadId('agent.replay', threadId);
      if (replayOptions !== undefined) {
        checkOptionNames('agent.replay', replayOptions, replayOptionNames);
        const { onEvent } = replayOptions;
        if (onEvent !== undefined && typeof onEvent !== 'function') {
          throw new DefinitionError(
            'definition.invalid_option',
            `agent.replay: onEvent is ${describeValue(onEvent)}. Give a function of each event the replay emits.`,
          );
        }
      }
      return replayThread(runtime, threadId, replayOptions) as Promise<RunOutcomeFrom<TMachine>>;
    },
    async close(closeOptions = {}) {
      checkOptionNames('agent.close', closeOptions, closeOptionNames);
      const { timeoutMs = 10_000 } = closeOptions;
      validateNumberOption('agent.close', 'timeoutMs', timeoutMs, {
        min: 0,
        max: maxTimerMs,
        expected: `a number of milliseconds to wait for working runs, from 0 to ${maxTimerMs}`,
      });
      closed = true;
      const { clock } = runtime;
      const started = clock.now();
      // Calls let in before: their restores start, and are waited for with the others — for
      // `timeoutMs` at most, as working runs are.
      const admitted = (async () => {
        await Promise.allSettled([...admissions]);
        await Promise.allSettled([...resuming.values()]);
      })();
      if (!(await settlesWithin(admitted, timeoutMs, clock))) closeStoppedWaiting = true;
      await live.close({ timeoutMs: Math.max(0, timeoutMs - (clock.now() - started)) });
      // Every lease is released by now: the heartbeat's timer has nothing left to renew.
      runtime.leaseHeartbeat.stopIfIdle();
    },
  };
}

/** True when `promise` settles within `ms` on `clock`; false when the time is up first. */
async function settlesWithin(
  promise: Promise<unknown>,
  ms: number,
  clock: Clock,
): Promise<boolean> {
  let timer: unknown;
  const timedOut = new Promise<false>((resolve) => {
    timer = clock.setTimeout(() => resolve(false), ms);
    unrefTimer(timer);
  });
  try {
    return await Promise.race([promise.then(() => true), timedOut]);
  } finally {
    clock.clearTimeout(timer);
  }
}

/** Reads of a thread a restore makes while other processes keep moving it on. */
const maxRestoreReads = 3;

function isClaimConflict(error: unknown): boolean {
  return CheckpointError.isInstance(error) && error.code === 'checkpoint.conflict';
}

/**
 * A reply sent to a thread that did not ask it: it was restored to receive it (a wait may open
 * only once its effect restarts) and came to rest without that wait — with none, or waiting
 * on others (`pending`: a reply sent twice, or to a wait already answered). Says so, since
 * the restore itself let the thread go on.
 */
function noWaitForReply(
  threadId: string,
  waitId: string | undefined,
  status: string,
  pending: readonly string[],
): RunError {
  const asked = `had no pending human wait${waitId === undefined ? '' : ` "${waitId}"`} for this reply`;
  const rest =
    pending.length === 0
      ? `It was resumed to receive it and came to rest ${status} without asking one`
      : `It is waiting on ${pending.map((id) => `"${id}"`).join(', ')} instead (a reply sent twice, or to a wait already answered, ends here)`;
  return new RunError('run.not_waiting', {
    message: `Thread "${threadId}" ${asked}. ${rest}, so the reply was not delivered. Check the thread's waits (handle.waits(), agent.getCheckpoint()) before replying.`,
    details: { status, pending: [...pending], ...(waitId === undefined ? {} : { waitId }) },
  });
}

function hasWait(run: Run, waitId: string | undefined): boolean {
  const waits = run.waits();
  return waitId === undefined ? waits.length > 0 : waits.some((wait) => wait.waitId === waitId);
}

/**
 * `force` takes a thread from the process holding it: only `true` may mean that, so a
 * `'false'` read from a flag or an environment variable fails instead of forcing.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
function checkForce(owner: string, force: unknown): void {
  if (typeof force === 'boolean') return;
  throw new DefinitionError(
    'definition.invalid_option',
    `${owner}: force must be true or false, got ${describeValue(force)}.`,
  );
}

/**
 * A checkpoint's version is a whole number from 1: `'1'` read from a URL found no checkpoint
 * and said "has no checkpoint 1" of a thread that had one, and -1 read as nothing stored.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
function checkVersion(owner: string, version: unknown): void {
  validateNumberOption(owner, 'version', version as number, {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    expected:
      "a checkpoint's version, a whole number from 1 (agent.history lists them), or leave it out for the latest",
  });
}

/** The error of a call a closed agent refuses. */
function closedError(agent: string, what: string): RunError {
  return new RunError('agent.closed', {
    message: `Agent "${agent}" was closed; ${what} was refused. Create the agent again to run more.`,
  });
}
