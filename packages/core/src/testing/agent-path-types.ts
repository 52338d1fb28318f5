import type { AnyStateMachine, EventFrom, InputFrom } from 'xstate';
import type { AgentSettings, RunOutcomeFrom } from '../agent/types';
import type { EffectSpec } from '../effects/types';
import type { ScriptedHandler } from './scripted-model';

/**
 * A failure edge {@link testAgentPaths} produces by itself (all but `human-timeout` are
 * walked by default where they apply):
 * - `invalid-output`: the model keeps answering outside the schema (`output.invalid`);
 * - `invalid-tool-call`: a tool loop's model keeps calling a tool that does not exist
 *   (`tool.invalid_arguments`);
 * - `tool-error`: a tool fails — in a tool loop, the model makes the call given as
 *   `toolError` (`tool.failed`, or `loop.repeated_call` when the loop reports errors back);
 *   a `toolCall` effect fails with `tool.failed`;
 * - `rate-limited`: the provider answers 429 (`model.rate_limited`);
 * - `breaker-open`: the endpoint's circuit breaker is open (`model.circuit_open`);
 * - `actor-error`: an actor that calls no model (your own, a child agent) fails;
 * - `human-timeout`: nobody answers a human wait by its deadline (`human.timeout`); only for
 *   waits with a `timeoutMs`, so list it yourself. The runs use a manual clock unless you
 *   give the agent a clock, and it is moved to the deadline.
 */
export type PathFailure =
  | 'invalid-output'
  | 'invalid-tool-call'
  | 'tool-error'
  | 'rate-limited'
  | 'breaker-open'
  | 'actor-error'
  | 'human-timeout';

/** An outcome of an effect answered by your own script (an effect making several calls). */
export interface ScriptedPathOutcome {
  /** How the outcome is named in the report. */
  name: string;
  /** What the chart receives: the effect's output, or an error with its code. */
  result: { output: unknown } | { error: { code: string; message?: string | undefined } };
  /** Answers the effect's model calls; `index` counts this effect's calls from 0. */
  answer: ScriptedHandler;
}

/** What one invoked effect or actor may do, by its invoke id. */
export interface EffectPathOptions {
  /**
   * Values it may complete with, each its own edge: a structured call's value (answered as
   * that JSON), a tool loop's final text, a human wait's reply, the output of an actor that
   * calls no model (which is stood in for).
   */
  outputs?: readonly unknown[] | undefined;
  /** Outcomes answered by your script: a cascade, a router → generator → verifier … */
  scripted?: readonly ScriptedPathOutcome[] | undefined;
  /**
   * The tool call that makes one of a tool loop's tools fail, for the `tool-error` edge; a
   * path on which that tool does not fail with these arguments is reported.
   */
  toolError?: { tool: string; arguments: unknown } | undefined;
  /** Built-in failure edges to walk. Default: every one that applies to the effect's kind. */
  failures?: readonly PathFailure[] | undefined;
}

/** Options of {@link testAgentPaths}. */
export interface TestAgentPathsOptions<TMachine extends AnyStateMachine> {
  machine: TMachine;
  input: InputFrom<TMachine>;
  /** What each invoke may do, by invoke id (its `id`, else XState's generated one). */
  effects?: Readonly<Record<string, EffectPathOptions>> | undefined;
  /**
   * Events sent from outside (a cancel button, a webhook), walked in every state that takes
   * them; a run receives them when it comes to rest there. Typed from the machine's events;
   * one no state takes is reported.
   */
  events?: readonly EventFrom<TMachine>[] | undefined;
  /**
   * The agent's other options. Default `modelPolicy`: a single attempt per call, so a 429
   * reaches the chart at once rather than after real backoff.
   */
  agent?: Omit<AgentSettings<TMachine>, 'machine' | 'models'> | undefined;
  /** `simple`: every path that visits no state twice (default); `shortest`: one per state. */
  traversal?: 'simple' | 'shortest' | undefined;
  /** Also run, for each effect that calls a model, a path with a run limit hit there. Default true. */
  limits?: boolean | undefined;
  /** The most paths to run; more is an error that suggests `traversal: 'shortest'`. Default 500. */
  maxPaths?: number | undefined;
  /**
   * The most distinct states the walk visits — a state is its value and its context — before
   * it gives up with `definition.invalid_option`. A context that grows on a cycle (a log
   * appended to at every outside event, a counter no guard bounds) has no end of states, and
   * the walk would fill memory. Default 10,000.
   */
  maxStates?: number | undefined;
}

/** One path run by {@link testAgentPaths}. */
export interface AgentPathResult<TMachine extends AnyStateMachine = AnyStateMachine> {
  /** The path as the chart walks it: `triaging --triage: invalid-output--> needsHuman`. */
  name: string;
  /** `path`: an edge sequence of the graph; `limit`: a path cut by a run limit. */
  kind: 'path' | 'limit';
  /** The state the graph says the path ends in (JSON of its value), or `limit`. */
  expected: string;
  /** Where the run came to rest. */
  reached: string;
  outcome: RunOutcomeFrom<TMachine>;
  ok: boolean;
  /** What went wrong, when not ok. */
  problem?: string;
}

/** What {@link testAgentPaths} found. */
export interface AgentPathReport<TMachine extends AnyStateMachine = AnyStateMachine> {
  paths: AgentPathResult<TMachine>[];
  /** Final states some path reached, as JSON of their values. */
  finalStates: string[];
  /**
   * What the walk could not cover, one line each: an invoke with no outcomes to leave its
   * state by, a final state no path reaches, a path that needs an event or an `after` timer
   * mid-effect, an `after` delay computed from the context.
   */
  gaps: string[];
  /** Every problem, one line each: empty when every path ran as the chart says. */
  failures: string[];
}

/** One invoke of the machine, as the walk sees it. */
export interface InvokeInfo {
  id: string;
  /** The registered name, when the invoke names one (a stand-in replaces it by this name). */
  src: string | undefined;
  /** The id of the state node that invokes it. */
  state: string;
  spec: EffectSpec | undefined;
}
