import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ChartView, RunDetail, RunStep } from '../src/studio/types';
import { fetchChart, fetchRun } from './api';
import { Chart, heatColour, takenTransitions } from './chart';
import {
  formatCost,
  formatCount,
  formatDuration,
  formatJson,
  formatRunTime,
  visibleText,
} from './format';
import { StepDetail, stepKindLabel, stepTitle } from './step-detail';
import { WaitForm } from './wait-form';

type HeatMode = 'cost' | 'time' | 'off';

/** One run: its chart with the path taken and heat, a scrubber over its steps, each step's detail. */
export function RunView({ threadId, refresh }: { threadId: string; refresh: number }) {
  const [run, setRun] = useState<RunDetail | undefined>();
  const [chart, setChart] = useState<ChartView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [position, setPosition] = useState<number | undefined>();
  const [heatMode, setHeatMode] = useState<HeatMode>('cost');

  useEffect(() => {
    let live = true;
    fetchRun(threadId)
      .then((detail) => {
        if (!live) return;
        setRun((previous) => {
          // Follow a live run: stay on the last step while it grows.
          if (!previous || previous.summary.threadId !== threadId) setPosition(undefined);
          return detail;
        });
        setError(undefined);
      })
      .catch((reason: Error) => live && setError(reason.message));
    return () => {
      live = false;
    };
  }, [threadId, refresh]);

  const machineVersion = run?.summary.machineVersion;
  useEffect(() => {
    if (!machineVersion) return;
    let live = true;
    fetchChart(machineVersion).then((view) => live && setChart(view));
    return () => {
      live = false;
    };
  }, [machineVersion]);

  const steps = run?.steps ?? [];
  const index = Math.min(position ?? steps.length - 1, steps.length - 1);
  const step: RunStep | undefined = steps[index];

  const { visited, taken } = useMemo(() => {
    const sequence = steps
      .slice(0, index + 1)
      .filter((candidate) => candidate.kind === 'checkpoint')
      .map((candidate) => candidate.activeStates);
    return {
      visited: new Set(sequence.flat()),
      taken: chart ? takenTransitions(chart, sequence) : new Set<string>(),
    };
  }, [steps, index, chart]);

  const heat = useMemo(() => {
    if (!run || heatMode === 'off') return undefined;
    const values = Object.entries(run.heat).map(
      ([id, value]) => [id, heatMode === 'cost' ? value.costUsd : value.durationMs] as const,
    );
    const max = Math.max(0, ...values.map(([, value]) => value));
    if (max <= 0) return undefined;
    return Object.fromEntries(values.map(([id, value]) => [id, value / max]));
  }, [run, heatMode]);

  const figures = useMemo(() => {
    if (!run || heatMode === 'off') return undefined;
    return Object.fromEntries(
      Object.entries(run.heat)
        .filter(([id, value]) =>
          id === '' ? false : heatMode === 'cost' ? value.costUsd > 0 : value.durationMs > 0,
        )
        .map(([id, value]) => [
          id,
          heatMode === 'cost' ? formatCost(value.costUsd) : formatDuration(value.durationMs),
        ]),
    );
  }, [run, heatMode]);

  if (error)
    return (
      <p class="error">
        Could not load {visibleText(threadId)}: {error}
      </p>
    );
  if (!run) return <p class="muted">Loading {visibleText(threadId)}…</p>;
  const { summary } = run;

  return (
    <div
      class="run-view"
      data-testid="run-view"
      data-thread={threadId}
      data-status={summary.status}
    >
      <header class="run-header">
        <h2>
          <span class={`status status-${summary.status}`} data-testid="run-status">
            {summary.status}
          </span>{' '}
          {visibleText(summary.threadId)}
        </h2>
        <p class="muted">
          {visibleText(summary.agent)} · {formatRunTime(summary, Date.now())} ·{' '}
          {formatCount(summary.inputTokens + summary.outputTokens)} tokens ·{' '}
          {formatCost(summary.costUsd)} · {summary.modelCalls} model calls · {summary.toolCalls}{' '}
          tool calls
        </p>
      </header>

      {run.waits.length > 0 && (
        <WaitForm threadId={threadId} waits={run.waits} canReply={run.canReply} />
      )}

      <section class="chart-panel">
        <div class="chart-toolbar">
          <span>Heat on states:</span>
          {(['cost', 'time', 'off'] as const).map((mode) => (
            <label key={mode}>
              <input
                type="radio"
                name="heat"
                checked={heatMode === mode}
                onChange={() => setHeatMode(mode)}
              />{' '}
              {mode}
            </label>
          ))}
          {heat && (
            <span class="legend">
              <i style={{ background: heatColour(0.05) }} /> low{' '}
              <i style={{ background: heatColour(1) }} /> high
            </span>
          )}
        </div>
        {chart ? (
          <Chart
            chart={chart}
            marks={{
              active: step?.activeStates ?? [],
              visited,
              taken,
              ...(heat ? { heat } : {}),
              ...(figures ? { figures } : {}),
            }}
          />
        ) : (
          <p class="muted">
            No chart for machine {summary.machineVersion}: start the studio with --agent
            &lt;module&gt; that exports this agent to see it drawn.
          </p>
        )}
        <HeatTable run={run} />
      </section>

      <section class="scrubber" data-testid="scrubber">
        <div class="scrubber-controls">
          <button
            type="button"
            onClick={() => setPosition(Math.max(0, index - 1))}
            disabled={index <= 0}
          >
            ◀
          </button>
          <input
            type="range"
            min={0}
            max={Math.max(0, steps.length - 1)}
            value={index}
            aria-label="step"
            data-testid="scrubber-range"
            onInput={(event) => setPosition(Number((event.target as HTMLInputElement).value))}
          />
          <button
            type="button"
            onClick={() => setPosition(Math.min(steps.length - 1, index + 1))}
            disabled={index >= steps.length - 1}
          >
            ▶
          </button>
          <span data-testid="scrubber-position">
            step {index + 1} of {steps.length}
          </span>
        </div>
        <div class="timeline-and-detail">
          <ol class="timeline" data-testid="timeline">
            {steps.map((candidate) => (
              <li
                key={candidate.index}
                class={`timeline-step kind-${candidate.kind}${candidate.index === index ? ' is-current' : ''}`}
                data-kind={candidate.kind}
              >
                <button type="button" onClick={() => setPosition(candidate.index)}>
                  <span class={`kind kind-${candidate.kind}`}>{stepKindLabel(candidate)}</span>{' '}
                  {stepTitle(candidate)}
                </button>
              </li>
            ))}
          </ol>
          {step && <StepDetail step={step} />}
        </div>
      </section>

      <details class="io">
        <summary>Input and output</summary>
        <h4>Input</h4>
        <pre>{formatJson(run.input)}</pre>
        {run.output !== undefined && (
          <>
            <h4>Output</h4>
            <pre>{formatJson(run.output)}</pre>
          </>
        )}
      </details>
    </div>
  );
}

function HeatTable({ run }: { run: RunDetail }) {
  const rows = Object.entries(run.heat)
    .filter(([id]) => id !== '')
    .sort((a, b) => b[1].costUsd - a[1].costUsd || b[1].durationMs - a[1].durationMs);
  if (rows.length === 0) return null;
  return (
    <table class="heat-table" data-testid="heat-table">
      <thead>
        <tr>
          <th>state</th>
          <th>cost</th>
          <th>time</th>
          <th>model calls</th>
          <th>tokens</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([id, value]) => (
          <tr key={id}>
            <td>{id}</td>
            <td>{formatCost(value.costUsd)}</td>
            <td>{formatDuration(value.durationMs)}</td>
            <td>{value.modelCalls}</td>
            <td>{formatCount(value.tokens)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
