import type { EventObject } from 'xstate';
import { RunError, type RunErrorCode } from '../errors/run-error';
import { ModelCallError, type ModelErrorKind } from '../model/model-call-error';
import type { EffectPathOptions, InvokeInfo, PathFailure } from './agent-path-types';
import type { ScriptedHandler } from './scripted-model';

/** One outcome of an invoke: the event the graph walks, and how a run produces it. */
export interface PlannedOutcome {
  /** The invoke it belongs to; empty for an outside event. */
  invokeId: string;
  name: string;
  event: EventObject;
  realise:
    | { by: 'model'; answer: ScriptedHandler }
    | { by: 'reply'; value: unknown }
    | { by: 'timeout' }
    | { by: 'stand-in'; result: { output: unknown } | { error: unknown } }
    | { by: 'send'; event: EventObject }
    /** An `after` timer: the manual clock moves by its delay once the run rests. */
    | { by: 'advance'; ms: number };
}

/** Which failures apply to an invoke, by what it is. */
function failuresFor(invoke: InvokeInfo, options: EffectPathOptions): PathFailure[] {
  switch (invoke.spec?.kind) {
    case 'structured-call':
      return ['invalid-output', 'rate-limited', 'breaker-open'];
    case 'tool-loop':
      return [
        'invalid-tool-call',
        ...(options.toolError ? (['tool-error'] as const) : []),
        'rate-limited',
        'breaker-open',
      ];
    case 'human-wait':
      return ['human-timeout'];
    case 'tool-call':
      return ['tool-error'];
    default:
      return ['actor-error'];
  }
}

/** An effect that calls models is answered by scripted models; anything else is stood in for. */
export function callsModels(invoke: InvokeInfo): boolean {
  return invoke.spec?.kind === 'structured-call' || invoke.spec?.kind === 'tool-loop';
}

/** Every outcome planned for one invoke: its outputs, scripted outcomes and failures. */
export function outcomesOf(invoke: InvokeInfo, options: EffectPathOptions): PlannedOutcome[] {
  const { id } = invoke;
  const done = (output: unknown): EventObject =>
    ({ type: `xstate.done.actor.${id}`, output }) as EventObject;
  const failed = (error: unknown): EventObject =>
    ({ type: `xstate.error.actor.${id}`, error }) as EventObject;
  const outcomes: PlannedOutcome[] = [];
  (options.outputs ?? []).forEach((output, index) => {
    const name = `output ${index + 1}`;
    if (invoke.spec?.kind === 'human-wait') {
      outcomes.push({
        invokeId: id,
        name,
        event: done(output),
        realise: { by: 'reply', value: output },
      });
    } else if (invoke.spec?.kind === 'tool-loop') {
      const content =
        typeof output === 'string' ? output : String((output as { content?: unknown }).content);
      outcomes.push({
        invokeId: id,
        name,
        event: done({ content, messages: [], steps: 1, toolCalls: 0 }),
        realise: { by: 'model', answer: () => content },
      });
    } else if (callsModels(invoke)) {
      outcomes.push({
        invokeId: id,
        name,
        event: done(output),
        realise: { by: 'model', answer: () => ({ json: output }) },
      });
    } else {
      outcomes.push({
        invokeId: id,
        name,
        event: done(output),
        realise: { by: 'stand-in', result: { output } },
      });
    }
  });
  for (const scripted of options.scripted ?? []) {
    const error = 'error' in scripted.result ? scriptedError(scripted.result.error) : undefined;
    outcomes.push({
      invokeId: id,
      name: scripted.name,
      event: error ? failed(error) : done((scripted.result as { output: unknown }).output),
      realise: { by: 'model', answer: scripted.answer },
    });
  }
  const applicable = failuresFor(invoke, options);
  // A wait times out only when it has a deadline, which its definition does not show.
  const defaults = applicable.filter((failure) => failure !== 'human-timeout');
  for (const failure of options.failures ?? defaults) {
    if (!applicable.includes(failure)) {
      throw new TypeError(
        `testAgentPaths: effects.${id}.failures has "${failure}", which does not apply to ${invoke.spec ? `a ${invoke.spec.kind} effect` : 'this actor'}${failure === 'tool-error' && invoke.spec?.kind === 'tool-loop' ? ' without a toolError call' : ''}. Applicable: ${applicable.join(', ') || 'none'}.`,
      );
    }
    outcomes.push(failureOutcome(invoke, failure, options, failed));
  }
  return outcomes;
}

function failureOutcome(
  invoke: InvokeInfo,
  failure: PathFailure,
  options: EffectPathOptions,
  failed: (error: unknown) => EventObject,
): PlannedOutcome {
  const base = { invokeId: invoke.id, name: failure };
  const scripted = `scripted by testAgentPaths for invoke "${invoke.id}"`;
  if (failure === 'human-timeout') {
    const error = new RunError('human.timeout', { message: `Nobody answered (${scripted}).` });
    return { ...base, event: failed(error), realise: { by: 'timeout' } };
  }
  if (!callsModels(invoke)) {
    const error =
      failure === 'tool-error'
        ? new RunError('tool.failed', { message: `The tool failed (${scripted}).` })
        : new Error(`The actor failed (${scripted}).`);
    return { ...base, event: failed(error), realise: { by: 'stand-in', result: { error } } };
  }
  const fromModel = (kind: ModelErrorKind, status?: number): PlannedOutcome => ({
    ...base,
    event: failed(modelError(kind, status, scripted)),
    realise: { by: 'model', answer: () => ({ error: modelError(kind, status, scripted) }) },
  });
  switch (failure) {
    case 'rate-limited':
      return fromModel('rate_limited', 429);
    case 'breaker-open':
      return fromModel('circuit_open');
    case 'invalid-output':
      return {
        ...base,
        event: failed(new RunError('output.invalid', { message: `Invalid output (${scripted}).` })),
        realise: { by: 'model', answer: () => 'This is not the JSON the schema asks for.' },
      };
    case 'invalid-tool-call':
      return {
        ...base,
        event: failed(
          new RunError('tool.invalid_arguments', { message: `Invalid tool calls (${scripted}).` }),
        ),
        realise: {
          by: 'model',
          answer: () => ({ toolCalls: [{ name: 'no_such_tool', arguments: {} }] }),
        },
      };
    default: {
      const call = options.toolError!;
      return {
        ...base,
        event: failed(
          new RunError('tool.failed', { message: `Tool "${call.tool}" failed (${scripted}).` }),
        ),
        realise: {
          by: 'model',
          answer: () => ({ toolCalls: [{ name: call.tool, arguments: call.arguments }] }),
        },
      };
    }
  }
}

function modelError(kind: ModelErrorKind, status: number | undefined, scripted: string) {
  return new ModelCallError({
    kind,
    ...(status === undefined ? {} : { status }),
    message: `${kind === 'rate_limited' ? '429 Too Many Requests' : "The endpoint's circuit breaker is open"} (${scripted}).`,
  });
}

function scriptedError({ code, message }: { code: string; message?: string }): RunError {
  // The code is the user's: any string a chart may test, not only core's own.
  return new RunError(code as RunErrorCode, { message: message ?? `${code} (scripted)` });
}
