import { useEffect, useState } from 'preact/hooks';
import type { RunPage, RunQuery, StudioRunStatus } from '../src/studio/types';
import { fetchRuns } from './api';
import { formatCost, formatCount, formatRunTime, visibleText } from './format';

const statuses: StudioRunStatus[] = ['waiting', 'running', 'done', 'failed', 'limit', 'stopped'];
const pageSize = 100;

/** The runs of the database: filters, then waiting runs first and the most recent after. */
export function RunList({
  selected,
  onSelect,
  refresh,
}: {
  selected: string | undefined;
  onSelect: (threadId: string) => void;
  refresh: number;
}) {
  const [query, setQuery] = useState<RunQuery>({});
  const [limit, setLimit] = useState(pageSize);
  const [page, setPage] = useState<RunPage | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let live = true;
    fetchRuns({ ...query, limit })
      .then((result) => {
        if (!live) return;
        setPage(result);
        setError(undefined);
      })
      .catch((reason: Error) => live && setError(reason.message));
    return () => {
      live = false;
    };
  }, [query, limit, refresh]);

  const set = (patch: Partial<RunQuery>) => {
    setLimit(pageSize);
    setQuery((current) => ({ ...current, ...patch }));
  };

  return (
    <aside class="run-list" data-testid="run-list">
      <div class="filters">
        <input
          type="search"
          placeholder="thread id…"
          aria-label="search threads"
          data-testid="filter-search"
          value={query.search ?? ''}
          onInput={(event) =>
            set({ search: (event.target as HTMLInputElement).value || undefined })
          }
        />
        <select
          aria-label="status"
          data-testid="filter-status"
          value={query.status ?? ''}
          onChange={(event) =>
            set({
              status: ((event.target as HTMLSelectElement).value || undefined) as
                | StudioRunStatus
                | undefined,
            })
          }
        >
          <option value="">every status</option>
          {statuses.map((status) => (
            <option key={status} value={status}>
              {status} ({page?.statusCounts[status] ?? 0})
            </option>
          ))}
        </select>
        <select
          aria-label="agent"
          data-testid="filter-agent"
          value={query.agent ?? ''}
          onChange={(event) =>
            set({ agent: (event.target as HTMLSelectElement).value || undefined })
          }
        >
          <option value="">every agent</option>
          {page?.agents.map((agent) => (
            <option key={agent} value={agent}>
              {visibleText(agent)}
            </option>
          ))}
        </select>
      </div>
      {error && <p class="error">{error}</p>}
      {page && (
        <p class="muted" data-testid="run-count">
          {formatCount(page.total)} runs
        </p>
      )}
      <table class="runs">
        <thead>
          <tr>
            <th>run</th>
            <th>time</th>
            <th>tokens</th>
            <th>cost</th>
          </tr>
        </thead>
        <tbody>
          {page?.runs.map((run) => (
            <tr
              key={run.threadId}
              class={run.threadId === selected ? 'is-selected' : ''}
              data-testid="run-row"
              data-thread={run.threadId}
              data-status={run.status}
              onClick={() => onSelect(run.threadId)}
            >
              <td>
                <span class={`status status-${run.status}`}>{run.status}</span>{' '}
                <a
                  href={`#/runs/${encodeURIComponent(run.threadId)}`}
                  onClick={(event) => {
                    event.preventDefault();
                    onSelect(run.threadId);
                  }}
                >
                  {visibleText(run.threadId)}
                </a>
                <div class="muted small">
                  {visibleText(run.agent)}
                  {run.waitingFor ? ` · asks: ${visibleText(run.waitingFor)}` : ''}
                </div>
              </td>
              <td>{formatRunTime(run, Date.now())}</td>
              <td>{formatCount(run.inputTokens + run.outputTokens)}</td>
              <td>{formatCost(run.costUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page && page.total > page.runs.length && (
        <button type="button" class="more" onClick={() => setLimit(limit + pageSize)}>
          Show {Math.min(pageSize, page.total - page.runs.length)} more
        </button>
      )}
    </aside>
  );
}
