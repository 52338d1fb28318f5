import { serializeError } from '../errors/agentchart-error';
import { RunError } from '../errors/run-error';
import { sameJournaledInput } from '../ledger/journaled-input';
import { ReplayError } from '../ledger/replay-error';
import { requestDifference } from '../ledger/request-difference';
import type { JournalEntry, JournaledStep } from '../ledger/types';
import { refusedLimitOf } from '../pipeline/limit-refusal';
import type { RunPort } from '../run/run-port';
import { headOf } from '../text/whole-characters';
import { RecordedEffectError } from './recorded-effect-error';

/** What a replayed step needs of its effect. */
export interface ReplayingEffect {
  readonly run: RunPort;
  readonly site: string;
  readonly threadId: string;
  setIdle(idle: boolean): void;
  untilAborted(): Promise<never>;
}

/**
 * One journaled step during a deterministic replay: the recorded result is returned (or the
 * recorded error thrown) and nothing executes. A step the recording never finished does not
 * finish now either (it waits until its state is left); a step the journal does not have,
 * or one whose input differs from the recording, fails the replay with a {@link ReplayError}.
 */
export async function replayStep<T>(
  scope: ReplayingEffect,
  key: string,
  step: JournaledStep<T>,
  recorded: JournalEntry | undefined,
): Promise<{ value: T; replayed: boolean }> {
  const { run, site, threadId } = scope;
  const what = `${step.kind} step "${step.name}"`;
  // The journal holds inputs redacted: compare like with like.
  const stored = { ...step, input: scope.run.runtime.redactor.value(step.input) };
  const difference = recorded
    ? differenceFrom(stored, recorded, (earlier) => run.replay?.recorded(earlier))
    : undefined;
  if (!recorded || difference) {
    const error = recorded
      ? new ReplayError('replay.diverged', {
          threadId,
          key,
          site,
          message: `Replay of thread "${threadId}" diverged at ${what} (key "${key}", site "${site}"): ${difference}. The code now asks something the recorded run did not; the recorded result no longer applies. Record the thread again, or restore the code that made it.`,
        })
      : new ReplayError('replay.missing_effect', {
          threadId,
          key,
          site,
          message: `Replay of thread "${threadId}" reached ${what} (key "${key}", site "${site}"), which the recorded run never took: the code now takes a different path than the recording. Record the thread again, or restore the code that made it.`,
        });
    run.fail(error);
    throw error;
  }
  // The recorded step enters the replay's ledger (the replay's store keeps nothing): its
  // usage is folded exactly as it was in the recorded run.
  await run.appendJournal(recorded, undefined);
  run.replay?.advanceTo(recorded.finishedAt ?? recorded.startedAt);
  if (recorded.status === 'completed') {
    run.runtime.events.emit('effect.replayed', threadId, { site, key, kind: step.kind });
    return { value: recorded.output as T, replayed: true };
  }
  if (recorded.status === 'failed') {
    const error = recorded.error ?? serializeError(undefined);
    const limit = refusedLimitOf(error);
    // A call the recording's limits refused meets its limit again, as it did then.
    if (limit)
      throw new RunError('run.limit_reached', { message: error.message, details: { ...limit } });
    throw new RecordedEffectError(error);
  }
  scope.setIdle(true);
  return scope.untilAborted();
}

/** How the step the code asks for differs from the recorded one, if it does. */
function differenceFrom<T>(
  step: JournaledStep<T>,
  recorded: JournalEntry,
  recordedEntry: (key: string) => JournalEntry | undefined,
): string | undefined {
  if (recorded.kind !== step.kind) return `the recording has a ${recorded.kind} step there`;
  // A model step may run on another model in a replay; tools and waits must match by name.
  if (step.kind !== 'llm' && recorded.name !== step.name) {
    return `the recording has "${recorded.name}" there`;
  }
  if (step.input !== undefined || recorded.input !== undefined) {
    const input = step.input === undefined ? undefined : JSON.parse(JSON.stringify(step.input));
    // A tool's input too large for its row is kept as a digest: compared by it.
    if (!sameJournaledInput(recorded.input, input)) {
      return `its input differs (recorded ${preview(recorded.input)}, now ${preview(input)})`;
    }
  }
  const recordedHash = recorded.meta?.requestHash;
  const hash = step.meta?.requestHash;
  if (recordedHash !== undefined && hash !== undefined && recordedHash !== hash) {
    const how = requestDifference(step.meta?.request, recorded.meta?.request, recordedEntry);
    return `the model request differs from the recorded one: ${how ?? 'its prompt, history, tools or settings changed'}`;
  }
  return undefined;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 120 ? `${headOf(text, 117)}...` : text;
}
