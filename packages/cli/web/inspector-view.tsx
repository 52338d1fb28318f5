import { useEffect, useMemo, useState } from 'preact/hooks';
import type { InspectedActorDetail, InspectedActorSummary } from '../src/studio/types';
import { fetchInspected, fetchInspectedActor } from './api';
import { Chart, takenTransitions } from './chart';
import { formatJson } from './format';

/**
 * Actors watched through the XState inspector protocol: any XState actor whose inspector
 * (`@statelyai/inspect`'s WebSocket inspector) points at the studio, offline.
 */
export function InspectorView({ refresh }: { refresh: number }) {
  const [actors, setActors] = useState<InspectedActorSummary[]>([]);
  const [selected, setSelected] = useState<string | undefined>();
  const [detail, setDetail] = useState<InspectedActorDetail | undefined>();
  const [position, setPosition] = useState<number | undefined>();

  useEffect(() => {
    fetchInspected().then(setActors);
  }, [refresh]);
  useEffect(() => {
    if (!selected) return;
    fetchInspectedActor(selected).then(setDetail);
  }, [selected, refresh]);

  const steps = detail?.steps ?? [];
  const index = Math.min(position ?? steps.length - 1, steps.length - 1);
  const step = steps[index];
  const taken = useMemo(
    () =>
      detail?.chart
        ? takenTransitions(
            detail.chart,
            steps.slice(0, index + 1).map((candidate) => candidate.activeStates),
          )
        : new Set<string>(),
    [detail, steps, index],
  );

  return (
    <div class="inspector" data-testid="inspector">
      <aside class="run-list">
        <p class="muted">
          Point an XState inspector here:{' '}
          <code>
            createWebSocketInspector({'{'} url: '{location.origin.replace(/^http/, 'ws')}' {'}'})
          </code>
        </p>
        <table class="runs">
          <tbody>
            {actors.map((actor) => (
              <tr
                key={actor.id}
                class={actor.id === selected ? 'is-selected' : ''}
                data-testid="actor-row"
                onClick={() => {
                  setSelected(actor.id);
                  setPosition(undefined);
                }}
              >
                <td>
                  {actor.name} <span class="muted small">{actor.sessionId}</span>
                  {actor.source && <div class="muted small">from {actor.source}</div>}
                  <div class="muted small">
                    {actor.events} messages{actor.status ? ` · ${actor.status}` : ''}
                    {actor.parentId ? ` · child of ${actor.parentId}` : ''}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {actors.length === 0 && <p class="muted">No actor seen yet.</p>}
      </aside>
      <main class="run-view">
        {detail && (
          <>
            <h2>{detail.actor.name}</h2>
            {detail.chart ? (
              <Chart
                chart={detail.chart}
                marks={{
                  active: step?.activeStates ?? [],
                  visited: new Set(steps.slice(0, index + 1).flatMap((s) => s.activeStates)),
                  taken,
                }}
              />
            ) : (
              <p class="muted">This actor registered no machine definition: no chart to draw.</p>
            )}
            <div class="scrubber-controls">
              <input
                type="range"
                min={0}
                max={Math.max(0, steps.length - 1)}
                value={index}
                aria-label="event"
                onInput={(event) => setPosition(Number((event.target as HTMLInputElement).value))}
              />
              <span>
                event {index + 1} of {steps.length}
              </span>
            </div>
            {step && (
              <section class="step-detail" data-testid="inspected-step">
                <h3>{step.event.type}</h3>
                <p class="muted">
                  {step.at} · active: {step.activeStates.filter(Boolean).join(', ') || '(none)'}
                  {step.sourceId ? ` · from ${step.sourceId}` : ''}
                </p>
                <h4>Event</h4>
                <pre>{formatJson(step.event)}</pre>
                {step.context !== undefined && (
                  <>
                    <h4>Context</h4>
                    <pre>{formatJson(step.context)}</pre>
                  </>
                )}
              </section>
            )}
          </>
        )}
      </main>
    </div>
  );
}
