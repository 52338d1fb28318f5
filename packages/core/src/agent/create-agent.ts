import type { AnyStateMachine, EventObject, InputFrom } from 'xstate';
import { randomId, systemClock } from '../clock/clock';
import { RunError } from '../errors/run-error';
import { RunEvents } from '../events/run-events';
import { CheckpointError } from '../journal/checkpoint-error';
import { MemoryCheckpointer } from '../journal/memory-checkpointer';
import type { ChatModel } from '../model/types';
import { singleAttemptPolicy } from '../reliability/types';
import type { AgentRuntime } from './agent-runtime';
import { machineVersionOf } from './inspect-machine';
import { Run } from './run';
import type {
  Agent,
  AgentOptions,
  HumanReplyEvent,
  RunHandle,
  RunOutcomeFrom,
  StartOptions,
} from './types';
import { validateAgent } from './validate-agent';

/**
 * Binds a machine made with XState's `setup()` to the services its effects use — models,
 * the model call policy, checkpoint storage, limits, clock — and checks the definition.
 *
 * @example
 * ```ts
 * const agent = createAgent({ machine, models: { fast: openAIChatModel({ model: 'gpt-4o-mini' }) } });
 * const outcome = await agent.run({ input: { question: 'What is 2 + 2?' } });
 * if (outcome.status === 'done') console.log(outcome.output);
 * ```
 */
export function createAgent<TMachine extends AnyStateMachine>(
  options: AgentOptions<TMachine>,
): Agent<TMachine> {
  const {
    machine,
    models = {},
    modelPolicy = singleAttemptPolicy,
    checkpointer = new MemoryCheckpointer(),
    limits = {},
    clock = systemClock,
    generateId = randomId,
  } = options;
  const modelChains = new Map<string, readonly ChatModel[]>();
  for (const [alias, model] of Object.entries(models)) {
    modelChains.set(alias, Array.isArray(model) ? model : [model as ChatModel]);
  }
  validateAgent(machine, modelChains);
  const runtime: AgentRuntime = {
    name: options.name ?? machine.id,
    machine,
    machineVersion: machineVersionOf(machine),
    models: modelChains,
    modelPolicy,
    checkpointer,
    limits,
    clock,
    generateId,
    events: new RunEvents(() => clock.now()),
  };
  const live = new Map<string, Run>();

  const track = (run: Run): RunHandle<TMachine> => {
    live.set(run.threadId, run);
    const forget = (outcome: { status: string }) => {
      if (outcome.status === 'waiting') run.result().then(forget);
      else if (live.get(run.threadId) === run) live.delete(run.threadId);
    };
    run.result().then(forget);
    return handleOf<TMachine>(run);
  };

  const resume = async (threadId: string): Promise<RunHandle<TMachine>> => {
    const running = live.get(threadId);
    if (running) return handleOf<TMachine>(running);
    const checkpoint = await checkpointer.latest(threadId);
    if (!checkpoint) {
      throw new RunError('run.not_found', {
        message: `Thread "${threadId}" has no checkpoint in this agent's store. Check the thread id and that the agent uses the same checkpointer it ran with.`,
        details: { threadId },
      });
    }
    if (checkpoint.machineVersion !== runtime.machineVersion) {
      throw new CheckpointError(
        'checkpoint.version_mismatch',
        threadId,
        `Thread "${threadId}" was checkpointed by machine version ${checkpoint.machineVersion}, but this agent's machine is version ${runtime.machineVersion}. Its snapshot would restore into the wrong states: finish it with the old machine, or start a new thread.`,
      );
    }
    const run = new Run(runtime, threadId, {
      state: checkpoint.run,
      snapshot: checkpoint.snapshot,
      version: checkpoint.version,
    });
    const handle = track(run);
    run.start(true);
    return handle;
  };

  const start = ({ threadId = generateId(), input }: StartOptions<InputFrom<TMachine>>) => {
    if (live.has(threadId)) {
      throw new RunError('run.already_running', {
        message: `Thread "${threadId}" is already running in this process. Use agent.send() to talk to it, or start a new thread id.`,
        details: { threadId },
      });
    }
    const run = new Run(runtime, threadId, {
      state: Run.initialState(input, clock.now()),
      version: 0,
    });
    const handle = track(run);
    run.start(false);
    return handle;
  };

  return {
    name: runtime.name,
    machine,
    events: runtime.events,
    start,
    resume,
    async send(threadId: string, event: EventObject | HumanReplyEvent) {
      const handle = await resume(threadId);
      if (event.type === 'human.reply') {
        const { value, waitId } = event as HumanReplyEvent;
        handle.reply(value, waitId);
      } else {
        handle.send(event);
      }
      return handle;
    },
    run: (startOptions) => start(startOptions).result(),
    journal: (threadId) => checkpointer.listEffects(threadId),
  };
}

function handleOf<TMachine extends AnyStateMachine>(run: Run): RunHandle<TMachine> {
  return {
    threadId: run.threadId,
    result: () => run.result() as Promise<RunOutcomeFrom<TMachine>>,
    send: (event) => run.send(event),
    reply: (value, waitId) => run.reply(value, waitId),
    waits: () => run.waits(),
    stop: () => run.stop() as Promise<RunOutcomeFrom<TMachine>>,
    getSnapshot: () => run.actor.getSnapshot(),
  };
}
