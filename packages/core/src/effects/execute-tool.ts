import { RunError } from '../errors/run-error';
import type { AnyTool } from '../tools/types';
import type { EffectScope } from './effect-scope';
import { RecordedEffectError } from './recorded-effect-error';

/**
 * Runs a tool whose input is already validated: journaled under its own key, with its
 * timeout, abort signal and output validation. Errors are {@link RunError}s.
 */
export async function executeTool(
  scope: EffectScope,
  tool: AnyTool,
  input: unknown,
): Promise<unknown> {
  const { runtime, state } = scope.run;
  const { events, clock } = runtime;
  const key = scope.nextKey(`tool:${tool.name}`);
  const context = {
    signal: scope.signal,
    idempotencyKey: `${scope.threadId}:${key}`,
    threadId: scope.threadId,
  };
  events.emit('tool.call.start', scope.threadId, {
    site: scope.site,
    callId: key,
    tool: tool.name,
    input,
  });
  const started = clock.now();
  try {
    const { value, replayed } = await scope.journaled(
      key,
      { kind: 'tool', effect: tool.effect, name: tool.name, input },
      async () => {
        state.usage.toolCalls++;
        const raw = await withTimeout(scope, tool, (signal) =>
          tool.execute(input, { ...context, signal }),
        );
        const parsed = tool.output.safeParse(raw);
        if (!parsed.success) {
          throw new RunError('tool.invalid_output', {
            message: `Tool "${tool.name}" returned output that does not match its output schema. Fix the tool's execute() or its output schema.`,
            issues: parsed.error.issues,
            details: { tool: tool.name, output: raw },
          });
        }
        return parsed.data as unknown;
      },
      tool.reconcile && (() => tool.reconcile!(input, context)),
    );
    events.emit('tool.call.end', scope.threadId, {
      site: scope.site,
      callId: key,
      tool: tool.name,
      latencyMs: clock.now() - started,
      cached: replayed,
    });
    return value;
  } catch (error) {
    // A failure replayed from the journal keeps its code (e.g. effect.ambiguous).
    const failure =
      RunError.isInstance(error) || RecordedEffectError.isInstance(error)
        ? error
        : new RunError('tool.failed', {
            message: `Tool "${tool.name}" failed: ${(error as Error)?.message ?? String(error)}`,
            cause: error,
            details: { tool: tool.name },
          });
    events.emit('tool.call.error', scope.threadId, {
      site: scope.site,
      callId: key,
      tool: tool.name,
      error: failure.toJSON(),
    });
    throw failure;
  }
}

/**
 * Runs `execute` with the tool's timeout on the injected clock; a tool that ignores its
 * signal still times out. One controller per call, linked to the effect's signal by a single
 * listener: `AbortSignal.any` costs several times more on this path (see docs/performance.md).
 */
function withTimeout(
  scope: EffectScope,
  tool: AnyTool,
  execute: (signal: AbortSignal) => Promise<unknown>,
): Promise<unknown> {
  const { clock } = scope.run.runtime;
  const controller = new AbortController();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      controller.abort(scope.signal.reason);
      reject(scope.signal.reason);
    };
    const timer = clock.setTimeout(() => {
      const error = new RunError('tool.timeout', {
        message: `Tool "${tool.name}" did not finish within ${tool.timeoutMs} ms and was aborted. Raise its timeoutMs or make it faster.`,
        details: { tool: tool.name, timeoutMs: tool.timeoutMs },
      });
      controller.abort(error);
      reject(error);
    }, tool.timeoutMs);
    if (scope.signal.aborted) onAbort();
    else scope.signal.addEventListener('abort', onAbort, { once: true });
    execute(controller.signal)
      .then(resolve, reject)
      .finally(() => {
        clock.clearTimeout(timer);
        scope.signal.removeEventListener('abort', onAbort);
      });
  });
}
