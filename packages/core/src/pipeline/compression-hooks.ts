import type { ApplyContextBudgetOptions } from '../budget/apply-context-budget';
import { createSummariser, summaryProblem } from '../budget/create-summariser';
import type { HistorySummary } from '../budget/history-summary';
import type { TokenCounter } from '../budget/token-counter';
import { RunError } from '../errors/run-error';
import type { RecordedModelCall } from '../ledger/recorded-model-call';
import type { ChatMessage } from '../model/types';
import type { Redactor } from '../security/create-redactor';
import { holdsUntrustedData } from '../security/fence-untrusted';
import { coverageOf, startingSummary } from './starting-summary';
import { coverageHash, type SummaryCoverage } from './summary-coverage';
import type { ModelCallScope } from './types';

/**
 * The summary each effect sent last, by its scope, with the journal key it was recorded
 * under. Per effect: an effect replays from its start on resume, so its summary is rebuilt
 * from the journal before any call that uses it.
 */
export type EffectSummaries = WeakMap<object, { summary: HistorySummary; recordedAt: string }>;

/** Options of {@link compressionHooks}. */
export interface CompressionHooksOptions {
  scope: ModelCallScope;
  /** The counter of the call's model. */
  counter: TokenCounter;
  /** The agent's redactor: summaries are compared and fenced as they are stored. */
  redactor: Redactor;
  /** The alias of the model that writes summaries. */
  summariserModel: string;
  summaries: EffectSummaries;
}

/** What {@link compressionHooks} gives one call. */
export interface CompressionHooks {
  /** The call's `applyContextBudget` options for `compress-history`. */
  options: Pick<ApplyContextBudgetOptions, 'summary' | 'startFrom' | 'reuseSummary' | 'summarise'>;
  /** Keeps `summary`, which the call sends, for the effect's next call and the run's next effects. */
  sent(summary: HistorySummary): void;
}

/**
 * How one call with `compress-history` keeps, finds and records summaries, all under the
 * call's own summary step (`…/N:summary`, ADR 0035):
 * - it starts from the effect's last summary, or — an effect with none, a chat's new turn —
 *   from a summary the run sent for the same oldest history ({@link startingSummary});
 * - a summary sent again is journaled there as a call served without one (ADR 0036), and a
 *   new one is the summariser's journaled call; either record says what the summary stands
 *   for and which earlier summary it extends (`meta.summaryOf`);
 * - a record made before a restart is sent only for the messages it says it stands for:
 *   otherwise the call fails with `budget.summary_mismatch`, nothing sent;
 * - the summary the call sends is noted in the run's state, which its checkpoints keep, so
 *   the run's next effect finds it after an eviction or a crash too.
 */
export function compressionHooks({
  scope,
  counter,
  redactor,
  summariserModel,
  summaries,
}: CompressionHooksOptions): CompressionHooks {
  const kept = summaries.get(scope);
  // Where this call's summary is recorded, and was before a restart.
  const key = scope.peekKey('summary');
  const fenceIdFrom = (text: string) => redactor.text(text);
  // Where each summary the call may extend was recorded: what its own record names.
  const recordedAt = new Map<HistorySummary, string>();
  if (kept) recordedAt.set(kept.summary, kept.recordedAt);
  const coverage = (
    covers: readonly ChatMessage[],
    extending: HistorySummary | undefined,
    untrusted: boolean,
    maxTokens?: number,
  ): SummaryCoverage => {
    const from = extending && recordedAt.get(extending);
    return {
      messages: covers.length,
      hash: coverageHash(covers, redactor),
      ...(maxTokens === undefined ? {} : { maxTokens }),
      ...(untrusted ? { untrusted: true as const } : {}),
      ...(from === undefined ? {} : { from }),
    };
  };
  // The coverage of the summary being written, recorded with the summariser's call.
  let writing: SummaryCoverage | undefined;
  const summariser = createSummariser({
    // The summary must itself fit: keep its head and tail rather than recurse.
    call: (summaryRequest) =>
      scope.callModel(summariserModel, summaryRequest, {
        budget: { strategies: ['keep-head-and-tail'] },
        summary: true,
        // An answer with no summary fails the compression: never cache it.
        usable: (response) => summaryProblem(response) === undefined,
        ...(writing ? { summaryOf: writing } : {}),
      }),
  });
  return {
    options: {
      ...(kept ? { summary: kept.summary } : {}),
      startFrom: async (context) => {
        const found = await startingSummary({
          scope,
          context,
          key,
          counter,
          redactor,
          fenceIdFrom,
        });
        if (found) recordedAt.set(found.summary, found.recordedAt);
        return found?.summary;
      },
      reuseSummary: async (text, reused) => {
        const summaryOf = coverage(reused.covers, reused, reused.untrusted);
        await checkRecordedCoverage(scope, key, summaryOf);
        return journalReusedSummary(scope, key, summariserModel, text, summaryOf);
      },
      summarise: async (messages, { maxTokens, covers = messages, extending }) => {
        const untrusted = messages.some((message) => holdsUntrustedData(message.content));
        writing = coverage(covers, extending, untrusted, maxTokens);
        await checkRecordedCoverage(scope, key, writing);
        return summariser(messages, { maxTokens });
      },
    },
    sent(summary) {
      summaries.set(scope, { summary, recordedAt: key });
      scope.run.noteHistorySummary({
        key,
        messages: summary.covers.length,
        hash: coverageHash(summary.covers, redactor),
      });
    },
  };
}

/**
 * Records a summary sent again under the call's own summary key, as a model call served
 * without one (`cached`: no tokens, no cost, not counted as a call), and returns its text as
 * recorded: a resumed run sends what the journal holds, whoever wrote it.
 */
async function journalReusedSummary(
  scope: ModelCallScope,
  key: string,
  alias: string,
  text: string,
  summaryOf: SummaryCoverage,
): Promise<string> {
  const { value } = await scope.journaled<RecordedModelCall>(
    key,
    { kind: 'llm', effect: 'idempotent', name: alias, meta: { summary: 'reused', summaryOf } },
    async () => ({
      response: {
        content: text,
        toolCalls: [],
        usage: { inputTokens: 0, outputTokens: 0 },
        finishReason: 'stop',
      },
      model: alias,
      attempts: 0,
      costUsd: 0,
      cached: true,
    }),
  );
  return value.response.content;
}

/**
 * Refuses to send a summary for other messages than the call's record, made before a
 * restart, says its summary stands for: the journal would return that summary's text, which
 * would then stand for messages it never read. A record with no coverage (written before
 * coverage was recorded) is taken as it is.
 */
async function checkRecordedCoverage(
  scope: ModelCallScope,
  key: string,
  planned: SummaryCoverage,
): Promise<void> {
  const entry = await scope.readJournal(key);
  const recorded = entry?.status === 'completed' ? coverageOf(entry) : undefined;
  if (!recorded || (recorded.messages === planned.messages && recorded.hash === planned.hash)) {
    return;
  }
  throw new RunError('budget.summary_mismatch', {
    message: `The history summary recorded at "${key}" stands for ${recorded.messages} earlier messages, but this call, resumed, would send it for ${planned.messages} messages${recorded.messages === planned.messages ? ' with other contents' : ''}: the conversation, the budget or the window changed since it was recorded. Nothing was sent. Resume with the code and budget the thread was recorded with, or fork the thread from a checkpoint before this call.`,
    details: { key, recorded, planned: { messages: planned.messages, hash: planned.hash } },
  });
}
