import { type AnyActorLogic, assign, type InputFrom, type OutputFrom, setup } from 'xstate';
import { createAgent } from '../agent/create-agent';
import type { ModelAliasesOfLogic, ModelOrChain } from '../agent/model-aliases';
import type { AgentOptions, AgentSettings } from '../agent/types';
import type { RunOutcome } from '../run/types';

/**
 * Options of {@link runEffect}: the minimal agent's. `models` must give every model alias the
 * effect calls — a missing or misspelt one is a type error, as it is for `createAgent`.
 */
export type RunEffectOptions<TLogic extends AnyActorLogic> = Omit<
  AgentSettings<never>,
  'machine' | 'models'
> &
  ([ModelAliasesOfLogic<TLogic>] extends [never]
    ? { models?: Record<string, ModelOrChain> }
    : {
        models: { [TAlias in ModelAliasesOfLogic<TLogic>]: ModelOrChain } & Record<
          string,
          ModelOrChain
        >;
      });

/** {@link runEffect}'s last argument: required when the effect calls a model. */
export type RunEffectOptionsArgument<TLogic extends AnyActorLogic> = [
  ModelAliasesOfLogic<TLogic>,
] extends [never]
  ? [options?: RunEffectOptions<TLogic>]
  : [options: RunEffectOptions<TLogic>];

/**
 * Runs one effect actor logic inside a minimal agent (invoke → done | failed) and returns
 * its output or its error: the shortest way to test an effect the way a chart sees it. The
 * input and the output are typed from the logic, as a chart's `invoke` types them: `output`
 * of `runEffect(toolCall(tool), …)` is the tool's output, read without a cast. An effect that
 * calls a model needs `options.models` with its aliases (see {@link RunEffectOptions}).
 */
export async function runEffect<TLogic extends AnyActorLogic>(
  logic: TLogic,
  input: InputFrom<TLogic>,
  ...[options = {}]: RunEffectOptionsArgument<TLogic>
): Promise<{ output?: OutputFrom<TLogic>; error?: any; outcome: RunOutcome }> {
  const machine = effectMachine(logic, input);
  const agent = createAgent({ ...options, machine } as AgentOptions<typeof machine>);
  const outcome = await agent.run({ input: undefined });
  const output = (outcome.status === 'done' ? outcome.output : undefined) as
    | { result?: OutputFrom<TLogic>; error?: unknown }
    | undefined;
  return { output: output?.result, error: output?.error, outcome };
}

/** The minimal machine {@link runEffect} runs: invoke the effect → done, recording its output or error. */
export function effectMachine(logic: AnyActorLogic, input: unknown) {
  return setup({
    types: { context: {} as { result?: unknown; error?: unknown } },
    actors: { effect: logic },
  }).createMachine({
    id: 'effect-under-test',
    context: {},
    initial: 'running',
    states: {
      running: {
        invoke: {
          src: 'effect',
          input: () => input,
          onDone: { target: 'done', actions: assign({ result: ({ event }) => event.output }) },
          onError: { target: 'done', actions: assign({ error: ({ event }) => event.error }) },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context,
  });
}
