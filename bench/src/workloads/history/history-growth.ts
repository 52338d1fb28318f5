import { errorRow } from '../../measure/time-cases';
import type { Row } from '../../types';
import { historySteps, messageBytes } from './byte-meter';
import { agentchartContextHistory, agentchartLoopHistory } from './history-agentchart';
import { langGraphHistory } from './history-langgraph';
import { plainHistory } from './history-plain';
import { type HistoryResult, xstateHistory } from './history-xstate';

interface HistoryVariant {
  variant: string;
  run: () => Promise<HistoryResult>;
  note?: string;
}

const variants: HistoryVariant[] = [
  {
    variant: 'plain append-only log (floor)',
    run: plainHistory,
    note: 'one SQLite row per message',
  },
  {
    variant: 'raw XState + SQLite',
    run: xstateHistory,
    note: 'history in context; snapshot row per transition',
  },
  {
    variant: 'agentchart (history in context) + SQLite',
    run: () => agentchartContextHistory('sqlite'),
    note: 'a toolLoop turn per step; checkpoint per macrostep (bytes the store reports) + journal',
  },
  {
    variant: 'agentchart (history in context), in-memory store',
    run: () => agentchartContextHistory('memory'),
    note: 'same run; JSON bytes of each full checkpoint and journal entry',
  },
  {
    variant: 'agentchart (history inside one toolLoop) + SQLite',
    run: () => agentchartLoopHistory('sqlite'),
    note: 'each step a model answer + a small tool call; only the journal grows',
  },
  {
    variant: 'agentchart (history inside one toolLoop), in-memory store',
    run: () => agentchartLoopHistory('memory'),
    note: 'same run; JSON bytes of each checkpoint and journal entry',
  },
  {
    variant: 'LangGraph.js + SqliteSaver',
    run: langGraphHistory,
    note: 'MessagesAnnotation (default reducer); stored row bytes',
  },
];

/** Mean of the bytes written by `count` steps from `start`. */
function meanOf(perStep: readonly number[], start: number, count: number): number {
  const window = perStep.slice(start, start + count);
  return window.reduce((sum, bytes) => sum + bytes, 0) / window.length;
}

/**
 * history growth: a conversation growing by one 1 KB message per step for 400 steps. Bytes
 * written per step at the start and the end show whether writes follow the message or the
 * history.
 */
export async function historyGrowth(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const { variant, run, note } of variants) {
    try {
      const started = performance.now();
      const { meter, storedBytes } = await run();
      const wallMs = performance.now() - started;
      if (meter.perStep.length !== historySteps) {
        throw new Error(
          `${variant}: metered ${meter.perStep.length} steps, expected ${historySteps}`,
        );
      }
      const first = meanOf(meter.perStep, 1, 10);
      const last = meanOf(meter.perStep, historySteps - 10, 10);
      rows.push({
        workload: 'history growth',
        variant,
        status: 'ok',
        metrics: {
          bytesPerStep: meter.total / historySteps,
          firstStepsBytesPerStep: first,
          lastStepsBytesPerStep: last,
          growth: last / first,
          writtenMb: meter.total / 1e6,
          storedMb: storedBytes / 1e6,
          bytesPerMessageByte: last / messageBytes,
          wallMs,
        },
        ...(note ? { note } : {}),
      });
    } catch (error) {
      rows.push(errorRow('history growth', variant, error));
    }
  }
  return rows;
}
