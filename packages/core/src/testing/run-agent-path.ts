import { AsyncLocalStorage } from 'node:async_hooks';
import { type AnyStateMachine, type EventFrom, fromPromise } from 'xstate';
import { createAgent } from '../agent/create-agent';
import type { AgentOptions, RunHandle, RunOutcomeFrom } from '../agent/types';
import type { ChatRequest } from '../model/types';
import type { ModelCallMiddleware } from '../pipeline/types';
import { singleAttemptPolicy } from '../reliability/types';
import type { InvokeInfo, TestAgentPathsOptions } from './agent-path-types';
import { type ManualClock, manualClock } from './manual-clock';
import type { PlannedOutcome } from './path-outcomes';
import type { PlannedPath } from './plan-agent-paths';
import { scriptedModel } from './scripted-model';

/** How one path's run went. */
export interface PathRun<TMachine extends AnyStateMachine> {
  outcome: RunOutcomeFrom<TMachine>;
  /** The state value the run rested in. */
  reached: unknown;
  /** What kept the run from following the path, when something did. */
  problem?: string;
  /** Model calls made before each invoke's first call, for the limit runs. */
  callsBefore: Map<string, number>;
}

/**
 * The invoke id and occurrence of an effect key (`site#occurrence`, the site ending in the
 * invoke's id) or of a step key within it (`site#occurrence/step:label`, a wait's id).
 */
function parseKey(key: string): { invokeId: string; occurrence: number } {
  const match = /([^/]+)#(\d+)(?:\/\d+:.*)?$/.exec(key);
  return { invokeId: match?.[1] ?? key, occurrence: Number(match?.[2] ?? 0) };
}

/**
 * Runs one planned path on a real agent: effects that call models are answered by scripted
 * models from the path's outcomes (a middleware tells each call's effect apart), other
 * actors are stood in for, human waits are answered and outside events sent when the run
 * comes to rest. `maxModelCalls` cuts the run with a limit.
 */
export async function runAgentPath<TMachine extends AnyStateMachine>(
  path: PlannedPath,
  options: TestAgentPathsOptions<TMachine>,
  invokes: readonly InvokeInfo[],
  threadId: string,
  maxModelCalls?: number,
): Promise<PathRun<TMachine>> {
  const byInvoke = new Map<string, PlannedOutcome[]>();
  for (const step of path.steps) {
    if (step.realise.by === 'send' || step.realise.by === 'advance') continue;
    byInvoke.set(step.invokeId, [...(byInvoke.get(step.invokeId) ?? []), step]);
  }
  const atRest = path.steps.filter(
    (step) => step.realise.by !== 'model' && step.realise.by !== 'stand-in',
  );
  const outcomeAt = (invokeId: string, occurrence: number) => byInvoke.get(invokeId)?.[occurrence];

  const where = new AsyncLocalStorage<string>();
  const callsPerEffect = new Map<string, number>();
  const callsBefore = new Map<string, number>();
  let calls = 0;
  const tagging: ModelCallMiddleware = {
    name: 'agent-paths',
    call(call, next) {
      // The journal step has named the call `site#occurrence/step:llm`: its effect's key and more.
      const effectKey = call.callId.replace(/\/\d+:[^#]*$/, '');
      const { invokeId } = parseKey(effectKey);
      if (!callsBefore.has(invokeId)) callsBefore.set(invokeId, calls);
      calls++;
      return where.run(effectKey, () => next(call));
    },
  };
  const answer = (request: ChatRequest) => {
    const key = where.getStore();
    if (key === undefined)
      throw new Error('testAgentPaths: a model was called outside any effect.');
    const { invokeId, occurrence } = parseKey(key);
    const outcome = outcomeAt(invokeId, occurrence);
    if (outcome?.realise.by !== 'model') {
      throw new Error(
        `testAgentPaths: invoke "${invokeId}" called a model for its run ${occurrence + 1}, which the path does not plan (${path.name}).`,
      );
    }
    const index = callsPerEffect.get(key) ?? 0;
    callsPerEffect.set(key, index + 1);
    return outcome.realise.answer(request, index);
  };
  const aliases = new Set(invokes.flatMap((invoke) => invoke.spec?.modelAliases ?? []));
  const models = Object.fromEntries(
    [...aliases].map((alias) => [alias, scriptedModel({ modelName: alias, handler: answer })]),
  );

  // Actors that call no model run as stand-ins that settle as the path says.
  const standIns: Record<string, unknown> = {};
  const started = new Map<string, number>();
  for (const invoke of invokes) {
    if (invoke.src === undefined || standIns[invoke.src]) continue;
    if (!(byInvoke.get(invoke.id) ?? []).some((step) => step.realise.by === 'stand-in')) continue;
    standIns[invoke.src] = fromPromise(async ({ self }) => {
      const occurrence = started.get(self.id) ?? 0;
      started.set(self.id, occurrence + 1);
      const outcome = outcomeAt(self.id, occurrence);
      if (outcome?.realise.by !== 'stand-in') {
        throw new Error(`testAgentPaths: invoke "${self.id}" ran a time the path does not plan.`);
      }
      if ('error' in outcome.realise.result) throw outcome.realise.result.error;
      return outcome.realise.result.output;
    });
  }

  const { agent: agentOptions = {} } = options;
  const { cache: _cache, middleware = [], limits = {}, ...rest } = agentOptions;
  // A clock that moves only when told: nothing waits on real time, and a wait's deadline is
  // reached by moving it there.
  const clock = agentOptions.clock ?? manualClock(Date.UTC(2026, 0, 1));
  const agent = createAgent({
    modelPolicy: singleAttemptPolicy,
    ...rest,
    clock,
    machine: options.machine.provide({ actors: standIns } as never) as TMachine,
    models,
    middleware: [...middleware, tagging],
    limits: maxModelCalls === undefined ? limits : { ...limits, maxModelCalls },
  } as AgentOptions<TMachine>);
  // A tool loop's tool-error edge holds only if its tool failed: a toolError call the tool
  // answers is repeated by the script until the loop ends on loop.repeated_call, which the
  // chart's onError takes just the same, so the path passed with no tool ever failing.
  const failedTools = new Set<string>();
  agent.events.on('tool.call.error', ({ callId, tool }) => {
    const { invokeId, occurrence } = parseKey(callId);
    failedTools.add(JSON.stringify([invokeId, occurrence, tool]));
  });
  try {
    let handle: RunHandle<TMachine> = agent.start({ threadId, input: options.input });
    let outcome = await handle.result();
    let problem: string | undefined;
    for (let next = 0; outcome.status === 'waiting'; next++) {
      const step = atRest[next];
      if (!step) {
        problem = `the run rests waiting (${outcome.waits.map((wait) => wait.prompt).join('; ') || 'for an event'}) where the path ends`;
        break;
      }
      if (step.realise.by === 'send') {
        // The path was walked on this machine's graph: its events are the machine's own.
        handle = await agent.send(threadId, step.realise.event as EventFrom<TMachine>);
      } else if (step.realise.by === 'advance') {
        if (!('advance' in clock)) {
          problem = `the path takes "${step.name}", but the agent was given a clock that testAgentPaths cannot move`;
          break;
        }
        // The state was entered at the clock's present time: its timer is due after `ms`.
        await (clock as ManualClock).advance(step.realise.ms);
      } else {
        const wait = outcome.waits.find(
          (pending) => parseKey(pending.waitId).invokeId === step.invokeId,
        );
        if (!wait) {
          problem = `the path settles the wait of "${step.invokeId}", which is not pending`;
          break;
        }
        if (step.realise.by === 'reply') {
          handle = await agent.send(threadId, {
            type: 'human.reply',
            value: step.realise.value,
            waitId: wait.waitId,
          });
        } else if (wait.deadline === undefined || !('advance' in clock)) {
          problem = `the wait of "${step.invokeId}" cannot time out here: ${wait.deadline === undefined ? 'it has no timeoutMs' : 'the agent was given a clock that testAgentPaths cannot move'}`;
          break;
        } else {
          await (clock as ManualClock).advance(wait.deadline - clock.now());
        }
      }
      outcome = await handle.result();
    }
    // A limit run is cut before its edges: only a whole path must take them.
    if (maxModelCalls === undefined) problem ??= toolErrorProblem(byInvoke, options, failedTools);
    return {
      outcome,
      reached: handle.getSnapshot().value,
      callsBefore,
      ...(problem ? { problem } : {}),
    };
  } finally {
    await agent.close();
  }
}

/** Why a tool loop's planned tool-error edge was not taken, if one was not. */
function toolErrorProblem(
  byInvoke: ReadonlyMap<string, readonly PlannedOutcome[]>,
  options: TestAgentPathsOptions<AnyStateMachine>,
  failedTools: ReadonlySet<string>,
): string | undefined {
  for (const [invokeId, steps] of byInvoke) {
    for (const [occurrence, step] of steps.entries()) {
      const call = options.effects?.[invokeId]?.toolError;
      if (step.name !== 'tool-error' || step.realise.by !== 'model' || !call) continue;
      if (failedTools.has(JSON.stringify([invokeId, occurrence, call.tool]))) continue;
      return `the tool-error edge of "${invokeId}" took no tool error: tool "${call.tool}" did not fail on effects.${invokeId}.toolError's arguments ${JSON.stringify(call.arguments)}. Give arguments with which its execute throws.`;
    }
  }
  return undefined;
}
