import type {
  ChartView,
  InspectedActorDetail,
  InspectedActorSummary,
  RunDetail,
  RunPage,
  RunQuery,
} from '../src/studio/types';

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A page of runs. */
export function fetchRuns(query: RunQuery): Promise<RunPage> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return getJson(`/api/runs?${params}`);
}

/** One run's timeline. */
export function fetchRun(threadId: string): Promise<RunDetail> {
  return getJson(`/api/runs/${encodeURIComponent(threadId)}`);
}

/** The chart of a machine version, or undefined when the studio was not given its module. */
export async function fetchChart(machineVersion: string): Promise<ChartView | undefined> {
  const response = await fetch(`/api/charts/${encodeURIComponent(machineVersion)}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`chart: ${response.status}`);
  return (await response.json()) as ChartView;
}

/** Answers a waiting run; resolves to the server's message, or throws its error. */
export async function sendReply(
  threadId: string,
  value: unknown,
  waitId?: string,
): Promise<string> {
  const response = await fetch(`/api/runs/${encodeURIComponent(threadId)}/reply`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value, ...(waitId ? { waitId } : {}) }),
  });
  const body = (await response.json()) as { message?: string; error?: string };
  if (!response.ok) throw new Error(body.error ?? `reply: ${response.status}`);
  return body.message ?? 'sent';
}

/** Actors seen through the XState inspector protocol. */
export function fetchInspected(): Promise<InspectedActorSummary[]> {
  return getJson('/api/inspector');
}

/** One inspected actor. */
export function fetchInspectedActor(id: string): Promise<InspectedActorDetail> {
  return getJson(`/api/inspector/${encodeURIComponent(id)}`);
}
