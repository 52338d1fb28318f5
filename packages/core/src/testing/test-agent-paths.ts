import type { AnyStateMachine } from 'xstate';
import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, optionNamesOf } from '../errors/option-names';
import { validateNumberOption } from '../reliability/validate-option';
import type {
  AgentPathReport,
  AgentPathResult,
  EffectPathOptions,
  TestAgentPathsOptions,
} from './agent-path-types';
import { callsModels } from './path-outcomes';
import { finalStatesOf, invokesOf, planAgentPaths, stateName } from './plan-agent-paths';
import { runAgentPath } from './run-agent-path';

const optionNames = optionNamesOf<TestAgentPathsOptions<AnyStateMachine>>({
  machine: true,
  input: true,
  effects: true,
  events: true,
  agent: true,
  traversal: true,
  limits: true,
  maxPaths: true,
  maxStates: true,
});
const effectOptionNames = optionNamesOf<EffectPathOptions>({
  outputs: true,
  scripted: true,
  toolError: true,
  failures: true,
});

/**
 * Walks every path of an agent's statechart with `xstate/graph` — every output you list for
 * each effect, every failure edge (invalid output, tool error, 429, breaker open) and every
 * `after` timer (the manual clock moved by its delay while the run rests) — and runs each one
 * on a real agent with scripted models, checking the run ends where the graph says. Then, for each effect that calls a model, it runs a path with a run limit hit right
 * there. Actors that call no model are stood in for by their outcomes; human waits are
 * answered when the run rests.
 *
 * @example
 * ```ts
 * const report = await testAgentPaths({
 *   machine,
 *   input: { ticket: 'I was charged twice' },
 *   effects: { triage: { outputs: [{ urgent: true, team: 'billing' }, { urgent: false, team: 'tech' }] } },
 * });
 * expect(report.failures).toEqual([]);
 * ```
 *
 * @throws DefinitionError `definition.invalid_option` for a misspelt option, or a misspelt
 * option of an effect (`failure` for `failures` would walk the default edges instead).
 */
export async function testAgentPaths<TMachine extends AnyStateMachine>(
  options: TestAgentPathsOptions<TMachine>,
): Promise<AgentPathReport<TMachine>> {
  checkOptionNames('testAgentPaths', options, optionNames);
  for (const [id, effect] of Object.entries(options.effects ?? {})) {
    checkOptionNames('testAgentPaths', effect, effectOptionNames, `effects.${id}.`);
  }
  const { machine, limits = true, maxPaths = 500 } = options;
  if (options.maxStates !== undefined) {
    validateNumberOption('testAgentPaths', 'maxStates', options.maxStates, {
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
      integer: true,
      expected: 'a whole number of states, 1 or more',
    });
  }
  const invokes = invokesOf(machine);
  const { paths: planned, gaps, reachedFinals } = planAgentPaths(options, invokes);
  gaps.push(...untakenEvents(machine, options.events ?? []));
  if (planned.length > maxPaths) {
    throw new DefinitionError(
      'definition.invalid_option',
      `testAgentPaths: the chart has ${planned.length} paths to a final state, more than maxPaths (${maxPaths}). Use traversal: 'shortest' (one path per state), fewer outputs or failures per effect, or raise maxPaths.`,
    );
  }
  for (const final of finalStatesOf(machine)) {
    if (!reachedFinals.has(final)) {
      gaps.push(
        `final state ${JSON.parse(final)} is reached by no path: list the outputs that lead there`,
      );
    }
  }
  const results: AgentPathResult<TMachine>[] = [];
  const limitsFor = new Map<string, { path: (typeof planned)[number]; calls: number }>();
  for (const [index, path] of planned.entries()) {
    const run = await runAgentPath(path, options, invokes, `path-${index + 1}`);
    const expected = JSON.stringify(path.expected);
    const reached = JSON.stringify(run.reached);
    const problem =
      run.problem ??
      (run.outcome.status !== 'done'
        ? `the run ended ${run.outcome.status}${run.outcome.status === 'failed' ? ` (${run.outcome.error.code}: ${run.outcome.error.message})` : ''} in ${reached}, not done in ${expected}`
        : reached !== expected
          ? `the run ended in ${reached}, the chart says ${expected}`
          : undefined);
    results.push({
      name: path.name,
      kind: 'path',
      expected,
      reached,
      outcome: run.outcome,
      ok: problem === undefined,
      ...(problem ? { problem } : {}),
    });
    for (const [invokeId, calls] of run.callsBefore) {
      if (!limitsFor.has(invokeId)) limitsFor.set(invokeId, { path, calls });
    }
  }
  if (limits) {
    const handlesLimit = machineHandles(machine, 'limit.reached');
    for (const invoke of invokes.filter(callsModels)) {
      const plan = limitsFor.get(invoke.id);
      if (!plan) continue;
      const run = await runAgentPath(plan.path, options, invokes, `limit-${invoke.id}`, plan.calls);
      const reached = JSON.stringify(run.reached);
      const ok = run.outcome.status === 'limit' || (handlesLimit && run.outcome.status === 'done');
      results.push({
        name: `maxModelCalls ${plan.calls} hit at ${invoke.id} on ${plan.path.name}`,
        kind: 'limit',
        expected: 'limit',
        reached,
        outcome: run.outcome,
        ok,
        ...(ok
          ? {}
          : {
              problem: `the run ended ${run.outcome.status} in ${stateName(run.reached as never)}, not in the limit outcome`,
            }),
      });
    }
  }
  return {
    paths: results,
    finalStates: [...reachedFinals],
    gaps,
    failures: [
      ...results
        .filter((result) => !result.ok)
        .map((result) => `${result.name}: ${result.problem}`),
      ...gaps,
    ],
  };
}

/**
 * The outside events no state of the machine takes (a misspelt type): the walk sends them
 * nowhere, and would otherwise only say the state they lead to is reached by no path.
 */
function untakenEvents(machine: AnyStateMachine, events: readonly { type: string }[]): string[] {
  const taken = [...new Set(eventTypesOf(machine))];
  // A wildcard (`*`, `cancel.*`) may take any type: nothing can be said for sure then.
  if (taken.some((type) => type.endsWith('*'))) return [];
  return events
    .filter((event) => !taken.includes(event.type))
    .map(
      (event) =>
        `events: "${event.type}" is taken by no state of the chart, so no path sends it (the chart takes: ${taken.filter((type) => !type.startsWith('xstate.')).join(', ') || 'no event'})`,
    );
}

/** Every event type some state of the machine has a transition for. */
function eventTypesOf(machine: AnyStateMachine): string[] {
  type Node = { ownEvents?: string[]; states: Record<string, Node> };
  const walk = (node: Node): string[] => [
    ...(node.ownEvents ?? []),
    ...Object.values(node.states).flatMap(walk),
  ];
  return walk(machine.root as unknown as Node);
}

/** True when some state of the machine takes `eventType`. */
function machineHandles(machine: AnyStateMachine, eventType: string): boolean {
  return eventTypesOf(machine).includes(eventType);
}
