import { describeThrown, readSafely } from '../errors/describe-thrown';
import { describeValue } from '../errors/option-names';
import { RunError } from '../errors/run-error';
import { headOutsideMatches } from '../security/head-outside-matches';
import type { AnyTool, ReconcileAnswer, ReconcileResult, ToolExecuteContext } from '../tools/types';
import type { EffectScope } from './effect-scope';
import { withToolTimeout } from './with-tool-timeout';

/**
 * Asks an `unsafe` tool's `reconcile` hook whether a call that may have acted did, with the
 * tool's `timeoutMs` and a signal aborted at it. A hook that throws or does not answer in
 * time leaves the call `unknown`, so ambiguous, for the chart: thrown out of the call, its
 * error went back to a tool loop's model as the tool's failure — the model called the tool
 * again, acting twice — and a hook waiting on the API that had just timed out held the run
 * for as long as that API hung. `finish` checks a completed call's output. Only an abort of
 * the effect (its state left, its run stopped) is thrown.
 */
export async function askReconcile(
  scope: EffectScope,
  tool: AnyTool,
  input: unknown,
  about: Omit<ToolExecuteContext, 'signal'>,
  finish: (output: unknown) => unknown,
): Promise<ReconcileAnswer<unknown>> {
  let answer: ReconcileResult<unknown>;
  try {
    answer = (await withToolTimeout(scope, tool, (signal) =>
      tool.reconcile!(input, { signal, ...about }),
    )) as ReconcileResult<unknown>;
  } catch (error) {
    if (scope.aborted) throw scope.abortReason;
    const timedOut = RunError.isInstance(error) && error.code === 'tool.timeout';
    // Kept in the ambiguous call's error, so in its record and a failed run's checkpoint.
    const said = headOutsideMatches(
      describeThrown(error),
      maxFailureChars,
      scope.run.runtime.redactor,
    );
    return {
      status: 'unknown',
      failure: timedOut ? `did not answer within ${tool.timeoutMs} ms` : `failed: ${said}`,
    };
  }
  const status = readSafely(() => answer?.status);
  if (status === 'completed') {
    return { status, output: finish((answer as { output: unknown }).output) };
  }
  if (status === 'not_executed' || status === 'unknown') return { status };
  const said = status === undefined ? describeValue(answer) : `status ${describeValue(status)}`;
  return { status: 'unknown', failure: `answered ${said}, not a status it has` };
}

/** The most of a failed hook's message an ambiguous call's error quotes. */
const maxFailureChars = 500;
