import type { AnyStateMachine, InputFrom, OutputFrom, PromiseActorLogic } from 'xstate';
import type { z } from 'zod';
import {
  effectSpecsOf,
  machineVersionOf,
  versionWithoutChildMachines,
} from '../agent/inspect-machine';
import type { CallsModels, ModelAliasesOf } from '../agent/model-aliases';
import { replayThread } from '../agent/replay-thread';
import { loadCheckpoint, restoreRun } from '../agent/restore-thread';
import type { MigrateCheckpoint } from '../agent/types';
import type { SerializedError } from '../errors/agentchart-error';
import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import { RunError } from '../errors/run-error';
import { emptyUsage } from '../ledger/fold-usage';
import type { RunUsage } from '../ledger/types';
import { parseNow } from '../output/parse-now';
import type { AgentRuntime } from '../run/agent-runtime';
import { childThreadId, childWaitId } from '../run/child-thread-id';
import { boundedMachine } from '../run/microstep-bound';
import { Run } from '../run/run';
import type { LimitInfo, RunOutcome } from '../run/types';
import { CheckpointError } from '../store/checkpoint-error';
import type { Checkpoint } from '../store/types';
import { createEffectLogic } from './create-effect-logic';
import type { EffectScope } from './effect-scope';

/**
 * What a child agent ended in. A supervisor switches on `status`: only `done` carries an
 * output, and that output has passed the child's output schema. `usage` is what the child
 * (and its own children) used, already counted in the parent's; `threadId` is the child's
 * thread (`agentchart show <threadId>`).
 */
export type AgentResult<TOutput> =
  | { status: 'done'; threadId: string; output: TOutput; usage: RunUsage }
  | { status: 'failed'; threadId: string; error: SerializedError; usage: RunUsage }
  | { status: 'limit'; threadId: string; limit: LimitInfo; usage: RunUsage }
  | { status: 'stopped'; threadId: string; usage: RunUsage };

/**
 * Nothing when the input schema parses to what the child machine takes; otherwise a mark the
 * schema lacks, so the mistake is a type error on `input` whose missing property says what is
 * wrong and names the machine's input.
 */
export type InputSchemaFits<TInput extends z.ZodType, TMachine extends AnyStateMachine> = [
  z.output<TInput>,
] extends [InputFrom<TMachine>]
  ? unknown
  : {
      "~agentchart: the input schema must parse to the child machine's input": InputFrom<TMachine>;
    };

/**
 * Nothing when the output schema accepts what the child machine outputs, or the machine
 * declares no output type (it is `unknown`: the schema alone says what arrives); otherwise a
 * mark the schema lacks, so the mistake is a type error on `output` naming the machine's output.
 */
export type OutputSchemaFits<TOutput extends z.ZodType, TMachine extends AnyStateMachine> =
  unknown extends OutputFrom<TMachine>
    ? unknown
    : [OutputFrom<TMachine>] extends [z.input<TOutput>]
      ? unknown
      : {
          "~agentchart: the output schema must accept the child machine's output": OutputFrom<TMachine>;
        };

/** Options of {@link agentActor}. */
export interface AgentActorOptions<
  TInput extends z.ZodType,
  TOutput extends z.ZodType,
  TMachine extends AnyStateMachine = AnyStateMachine,
> {
  /** The child agent's machine, made with `setup()`; its effects use the parent's models. */
  machine: TMachine;
  /**
   * The child's input, checked before it starts. What it parses to must be the machine's
   * input (`setup({ types: { input } })`): a schema of another shape does not compile.
   */
  input: TInput & InputSchemaFits<TInput, TMachine>;
  /**
   * The child's output, checked before the parent sees it. When the machine declares its
   * output (`setup({ types: { output } })`), the schema must accept it: one of another shape
   * does not compile, rather than fail every run with `agent.invalid_output`.
   */
  output: TOutput & OutputSchemaFits<TOutput, TMachine>;
  /**
   * Rewrites a checkpoint of the child's thread written by another version of its machine,
   * as `createAgent({ migrate })` does for the agent's own threads (which it is not given):
   * without it, a child resumed after its chart changed fails with
   * `checkpoint.version_mismatch`.
   */
  migrate?: MigrateCheckpoint | undefined;
}

/**
 * Actor logic that runs another agent as a child: its own thread (`<parent>/<effect key>`)
 * with its own checkpoints and journal, the parent's models, storage, tenant and events,
 * zod-checked input and output, and an explicit {@link AgentResult}. A child waiting for a
 * human leaves the parent waiting too; the parent's handle lists and answers the child's
 * waits, each under the child's effect key and its own id (`refunds#1/<wait>`), so the wait
 * of one invocation of a child never takes a reply meant for another's. The family shares
 * the parent's `maxModelCalls`, `maxTokens` and `maxCostUsd`: children running side by side
 * and the parent count together, each call checked against what all of them have used; a
 * call that would cross them is refused, and the child ends `limit` with
 * `limit.familyThreadId` naming the parent. Each run keeps its own `maxSteps`; at the
 * parent's `maxWallTimeMs`, or when the parent stops or leaves the invoking state, the child
 * is stopped and what it used stays counted in the parent's usage.
 *
 * @example
 * ```ts
 * setup({ actors: { research: agentActor({ machine: researcher, input: z.string(), output: report }) } })
 * // onDone: ({ event }) => event.output.status === 'done' ? event.output.output : ...
 * ```
 */
export function agentActor<
  TInput extends z.ZodType,
  TOutput extends z.ZodType,
  TMachine extends AnyStateMachine,
>(
  options: AgentActorOptions<TInput, TOutput, TMachine>,
): PromiseActorLogic<AgentResult<z.output<TOutput>>, z.input<TInput>> &
  CallsModels<ModelAliasesOf<TMachine>> {
  if (typeof options !== 'object' || options === null) {
    throw new DefinitionError(
      'definition.invalid_option',
      `agentActor: the options are ${describeValue(options)}. Give { machine, input, output }: the child's chart and the zod schemas of its input and its output.`,
    );
  }
  checkOptionNames('agentActor', options, ['machine', 'input', 'output', 'migrate']);
  const { machine } = options as { machine?: unknown };
  if (typeof (machine as { transition?: unknown } | null)?.transition !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `agentActor: machine is ${describeValue(machine)}. Give the child agent's XState machine — setup({ actors }).createMachine({ ... }).`,
    );
  }
  // Checked here, not at the first run: there a schema that is not one fails the parent's
  // step with a bare TypeError and no code.
  for (const name of ['input', 'output'] as const) {
    const schema: unknown = options[name];
    if (typeof (schema as { safeParse?: unknown } | null | undefined)?.safeParse !== 'function') {
      throw new DefinitionError(
        'definition.invalid_option',
        `agentActor: ${name} is ${describeValue(schema)}. Give the zod schema of the child agent's ${name}, such as z.object({ topic: z.string() }): it is checked before the ${name === 'input' ? 'child starts' : 'parent sees it'}.`,
      );
    }
  }
  const childSpecs = [...effectSpecsOf(options.machine).values()];
  const machineVersion = machineVersionOf(options.machine);
  const formerVersion = versionWithoutChildMachines(options.machine);
  const runnable = boundedMachine(options.machine);
  return createEffectLogic(
    {
      kind: 'agent',
      modelAliases: childSpecs.flatMap((spec) => spec.modelAliases),
      tools: childSpecs.flatMap((spec) => spec.tools),
      blocksRest: true,
      schemas: [],
    },
    async (scope, input: z.input<TInput>): Promise<AgentResult<z.output<TOutput>>> => {
      const parsedInput = parseNow(
        options.input,
        input,
        `child agent "${options.machine.id}"'s input schema`,
      );
      const threadId = childThreadId(scope.threadId, scope.key);
      if (!parsedInput.success) {
        const error = new RunError('agent.invalid_input', {
          message: `Child agent "${options.machine.id}" was invoked with input that does not match its input schema; it did not start.`,
          issues: parsedInput.error.issues,
          details: { input },
        });
        return { status: 'failed', threadId, error: error.toJSON(), usage: emptyUsage() };
      }
      const parent = scope.run;
      const { maxModelCalls, maxTokens, maxCostUsd, ...ownLimits } = parent.runtime.limits;
      const runtime: AgentRuntime = {
        ...parent.runtime,
        name: options.machine.id,
        machine: runnable,
        machineVersion,
        versionWithoutChildMachines: formerVersion,
        // Calls, tokens and cost are the family's, judged by the parent on what all of it has
        // used (see Run.familyUsage), so children side by side cannot each spend what is left.
        limits: ownLimits,
        parentLimit: (next) => {
          const limit = parent.limitBeforeModelCall(next);
          return limit && limit.familyThreadId === undefined
            ? { ...limit, familyThreadId: parent.threadId }
            : limit;
        },
      };
      let child: Run | undefined;
      let starting: Promise<Run> | undefined;
      const key = scope.nextKey('agent');
      await replayUnfinishedChild(scope, key, threadId, runtime);
      // The child's completion is a record of the parent's journal, with the child's usage:
      // the parent's usage folds it in, live and on restore, and a resume never re-runs it.
      const { value, replayed } = await scope.journaled<AgentResult<z.output<TOutput>>>(
        key,
        {
          kind: 'agent',
          effect: 'idempotent',
          name: options.machine.id,
          // Counted by the parent while the child runs, not only once it ends.
          liveUsage: () => child,
          // A child stopped with its parent's state or run: what it used is recorded now, so
          // the parent's end reports it. A child that left with its parent (evicted) is not
          // finished: nothing is recorded, and a resume goes on with it.
          resultOnAbort: () => {
            if (isLeaving(scope.abortReason)) return undefined;
            if (child) return { status: 'stopped', threadId, usage: { ...child.familyUsage } };
            // Still being restored (a parent restored to be stopped), or not yet (a parent
            // restored past its limit ends before its steps go on): what it used is known once
            // it is, and stopped — not left waiting for a reply no thread takes any more.
            const restoring =
              starting ??
              restoreStoredChild(scope, threadId, runtime, parsedInput.data, options.migrate);
            return restoring.then(
              async (started) => {
                if (!started) return undefined;
                await started.stop();
                return { status: 'stopped', threadId, usage: { ...started.familyUsage } };
              },
              () => undefined,
            );
          },
        },
        async () => {
          starting = startOrResumeChild(
            scope,
            threadId,
            runtime,
            parsedInput.data,
            options.migrate,
          ).catch((error: unknown) => {
            // This deploy cannot restore the child's thread (its chart changed with no
            // migrate, or the migrate is wrong): a fault of the code, not of the run. The
            // parent fails here but is not stored failed, nor is this step: once a deploy can
            // restore the child, a resume goes on from where the parent rests.
            if (isDeployFault(error)) scope.run.failHere(error);
            throw error;
          });
          // Stopped while its child is being started or restored (a parent restored to be
          // stopped): the parent's end is still heard after the child's.
          const stopWithParent = () => {
            if (isLeaving(scope.signal.reason)) return;
            scope.run.endAfter(starting!.then((started) => started.stop()));
          };
          scope.signal.addEventListener('abort', stopWithParent, { once: true });
          try {
            child = await starting;
          } catch (error) {
            if (!isForeignChild(error)) throw error;
            return { status: 'failed', threadId, error: error.toJSON(), usage: emptyUsage() };
          } finally {
            scope.signal.removeEventListener('abort', stopWithParent);
          }
          const outcome = await untilFinished(scope, child);
          adoptTimedOutWaits(scope, child);
          if (child.untrustedSeen) scope.run.markUntrustedSeen();
          return resultOf(options, outcome);
        },
      );
      // The child's output was made by its models: what they read, the parent now holds. A
      // completion read back from the journal asks the child's last checkpoint.
      if (replayed && !scope.run.untrustedSeen) {
        const latest = await runtime.checkpointer.latest(threadId);
        if (latest?.run.untrustedSeen) scope.run.markUntrustedSeen();
      }
      return value;
    },
  );
}

/** The child's outcome as the parent sees it: `done` only with output that fits its schema. */
function resultOf<TOutput extends z.ZodType>(
  options: { machine: AnyStateMachine; output: TOutput },
  outcome: RunOutcome,
): AgentResult<z.output<TOutput>> {
  const { threadId, usage } = outcome;
  switch (outcome.status) {
    case 'waiting':
      throw new TypeError('a waiting child is not finished');
    case 'failed':
      return { status: 'failed', threadId, error: outcome.error, usage };
    case 'limit':
      return { status: 'limit', threadId, limit: outcome.limit, usage };
    case 'stopped':
      return { status: 'stopped', threadId, usage };
  }
  const parsedOutput = parseNow(
    options.output,
    outcome.output,
    `child agent "${options.machine.id}"'s output schema`,
  );
  if (!parsedOutput.success) {
    const error = new RunError('agent.invalid_output', {
      message: `Child agent "${options.machine.id}" finished with output that does not match its output schema; it is reported as failed, not done.`,
      issues: parsedOutput.error.issues,
      details: { output: outcome.output },
    });
    return { status: 'failed', threadId, error: error.toJSON(), usage };
  }
  return { status: 'done', threadId, output: parsedOutput.data, usage };
}

async function startOrResumeChild(
  scope: EffectScope,
  threadId: string,
  runtime: AgentRuntime,
  input: unknown,
  migrate: MigrateCheckpoint | undefined,
) {
  const latest = await runtime.checkpointer.latest(threadId);
  if (latest) {
    const foreign = foreignChildError(scope, threadId, latest);
    if (foreign) throw foreign;
    // The same path as agent.resume(): claim the thread, recompute usage from the journal,
    // re-arm its timers, refuse a checkpoint of another machine version.
    // Checked above to be this parent's child: its migrate decides, whatever its agent name.
    const checkpoint = await loadCheckpoint(runtime, threadId, { migrate, asChild: true });
    // Taken as agent.resume takes a thread first: a waiting child that nothing moves then
    // writes nothing (taken by force, it stored a claim and a rest for every event its
    // parent ignored). Held by another owner, it is taken from it: the child's thread belongs
    // to the parent's, and whoever holds the parent drives the child.
    const { run, checkpoint: claimed } = await restoreRun(runtime, checkpoint).catch(
      (error: unknown) => {
        if (!CheckpointError.isInstance(error) || error.code !== 'checkpoint.lease_held') {
          throw error;
        }
        return restoreRun(runtime, checkpoint, { force: 'any' });
      },
    );
    run.start({ resumed: true, delayedEvents: claimed.delayedEvents ?? [] });
    return run;
  }
  // The child is charged to the parent's tenant: its quota and cost ledger entries.
  const run = new Run(runtime, threadId, {
    state: Run.initialState({
      input,
      now: runtime.clock.now(),
      tenantId: scope.run.tenantId,
      agent: runtime.name,
      parentThreadId: scope.threadId,
    }),
    version: 0,
    owner: runtime.generateId(),
    // As on the resume above: a lease on the child's thread can only be a former holder's of
    // the parent, one that died between taking it and the child's first checkpoint. Refused,
    // the child would fail, and the parent's journal keep that failure for good.
    forceLease: true,
  });
  run.start({ resumed: false });
  return run;
}

/**
 * In a replay, a child the recording left unfinished (waiting for a person, or handed back
 * mid-work) is replayed from its own thread: the parent rests as the recording did, with the
 * child's waits listed under its own (answered by no one: a replay writes nothing) and what
 * the child used counted. Its step itself stays unfinished, as recorded.
 */
async function replayUnfinishedChild(
  scope: EffectScope,
  key: string,
  threadId: string,
  runtime: AgentRuntime,
): Promise<void> {
  const { replay } = scope.run;
  if (replay?.recorded(key)?.status !== 'started') return;
  if (!(await replay.source.latest(threadId))) return;
  const outcome = await replayThread({ ...runtime, checkpointer: replay.source }, threadId);
  const usage = { familyUsage: outcome.usage, familyInFlight: undefined };
  scope.run.addUsageSource(() => usage);
  if (outcome.status !== 'waiting') return;
  for (const wait of outcome.waits) {
    scope.run.addWait({
      waitId: childWaitId(scope.key, wait.waitId),
      prompt: wait.prompt,
      ...(wait.deadline === undefined ? {} : { deadline: wait.deadline }),
      ...(wait.approval === undefined ? {} : { approval: wait.approval }),
      accept: () => {
        throw new RunError('run.not_waiting', {
          message: `A replay of thread "${scope.threadId}" takes no reply: it repeats what the recording decided and writes nothing. Answer the thread itself (agent.send).`,
        });
      },
    });
  }
}

/**
 * The child's thread restored, when the store has one: a child whose step began before a
 * restart but never went on (its parent ended first). Undefined when none was stored — the
 * parent died before the child's first checkpoint, so it used nothing.
 */
async function restoreStoredChild(
  scope: EffectScope,
  threadId: string,
  runtime: AgentRuntime,
  input: unknown,
  migrate: MigrateCheckpoint | undefined,
): Promise<Run | undefined> {
  if (!(await runtime.checkpointer.latest(threadId))) return undefined;
  return startOrResumeChild(scope, threadId, runtime, input, migrate);
}

/**
 * Why a thread found at the child's id is not this parent's child, or undefined when it is.
 * Child ids are predictable (`<parent>/<effect key>`), so a thread put there by someone else —
 * started on its own, or for another tenant — would otherwise be adopted, and its output (or
 * its waits' replies) taken for the child's. Nothing of the found thread is said but that.
 */
function foreignChildError(
  scope: EffectScope,
  threadId: string,
  found: Checkpoint,
): RunError | undefined {
  const { parentThreadId, tenantId } = found.run;
  if (parentThreadId === scope.threadId && tenantId === scope.run.tenantId) return undefined;
  return new RunError('agent.foreign_child_thread', {
    message: `Thread "${scope.threadId}" would run its child agent in thread "${threadId}", but a thread that is not its child is stored there (started on its own, for another tenant, or written to the store directly). The child did not start and that thread was left as it is; find out who made it, and remove it before running a parent under this id again.`,
    details: { threadId, parentThreadId: scope.threadId },
  });
}

function isForeignChild(error: unknown): error is RunError {
  return error instanceof RunError && error.code === 'agent.foreign_child_thread';
}

/**
 * Waits for the child's final outcome. While the child waits for a human, the parent's
 * effect is idle and the child's waits are listed (and answered) through the parent.
 */
async function untilFinished(scope: EffectScope, child: Run): Promise<RunOutcome> {
  // The parent's state was left or its run ended: the child stops. The parent's run left
  // memory (evicted, or taken over by another process): the child leaves with it, intact.
  const onAbort = () => {
    if (isLeaving(scope.signal.reason)) void child.evict();
    else scope.run.endAfter(child.stop());
  };
  // Aborted while the child was being started: no abort event is coming.
  if (scope.signal.aborted) onAbort();
  else scope.signal.addEventListener('abort', onAbort, { once: true });
  // The parent is being handed back (agent.close()): the child starts no new step either.
  const stopHandBack = scope.run.onHandBack(() => void child.handBackSoon());
  // The child may leave a rest by itself (a timer fired): then it comes to rest again.
  let restedAgain: (() => void) | undefined;
  child.onRest(() => restedAgain?.());
  try {
    for (;;) {
      const outcome = await child.result();
      // Handed back with its parent, not finished: the step stays unrecorded, so a resume of
      // the parent goes on with the child (recorded `stopped`, it would never run again).
      if (outcome.status === 'stopped' && outcome.handedBack) throw scope.signal.reason;
      if (outcome.status !== 'waiting') return outcome;
      await forwardWaits(scope, child, (resolve) => {
        restedAgain = resolve;
      });
    }
  } finally {
    scope.signal.removeEventListener('abort', onAbort);
    stopHandBack();
  }
}

/**
 * Lists the child's waits on the parent, each under its id qualified by the child's
 * ({@link childWaitId}), until one is answered or the child comes to rest again by itself
 * (`onRestAgain` is given the resolver). The parent idles meanwhile, with
 * the child's next wake-up time (a wait's deadline, a timer of its own) as one of its own:
 * it rests `waiting` until then — evicted, if far enough — and is woken when the child's
 * timer is due, which restores the child and fires it.
 */
function forwardWaits(
  scope: EffectScope,
  child: Run,
  onRestAgain: (resolve: () => void) => void,
): Promise<void> {
  return new Promise((resolve) => {
    const waits = child.waits();
    let removals: (() => void)[] = [];
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      onRestAgain(() => undefined);
      adoptTimedOutWaits(scope, child);
      for (const remove of removals) remove();
      scope.setIdle(false);
      resolve();
    };
    onRestAgain(settle);
    removals = waits.map((wait) =>
      scope.run.addWait({
        ...wait,
        waitId: childWaitId(scope.key, wait.waitId),
        accept: (value) => {
          child.reply(value, wait.waitId);
          settle();
        },
      }),
    );
    removals.push(scope.run.addWakeSource(() => child.nextWakeAt()));
    // Nothing can wake a child with no wait and no timer: it stays as it is, and so does the
    // parent (it would rest for ever otherwise).
    if (waits.length > 0 || child.nextWakeAt() !== undefined) scope.setIdle(true);
  });
}

/**
 * The child's waits that timed out, told to the parent: they were the parent's to answer
 * too (it lists them while its child rests), so a reply to the parent that comes for one
 * later is told it came late.
 */
function adoptTimedOutWaits(scope: EffectScope, child: Run): void {
  for (const late of child.timedOutWaits()) {
    scope.run.waitTimedOut({ ...late, waitId: childWaitId(scope.key, late.waitId) });
  }
}

/** The parent's run is leaving memory (evicted, taken over), not ending: its child leaves with it. */
function isLeaving(reason: unknown): boolean {
  return (
    RunError.isInstance(reason) &&
    (reason.code === 'run.evicted' || reason.code === 'run.taken_over')
  );
}

/** A child's checkpoint this deploy's code cannot restore; another deploy may. */
function isDeployFault(error: unknown): boolean {
  return (
    error instanceof CheckpointError &&
    (error.code === 'checkpoint.version_mismatch' || error.code === 'checkpoint.invalid_migration')
  );
}
