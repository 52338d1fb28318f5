import type { JournalEntry } from '@agentchart/core';
import { lateResultOf } from '../show/late-result';
import { stoppedStepReason } from '../show/stopped-step-reason';
import { waitPrompt } from '../show/wait-prompt';
import type {
  CheckpointStep,
  ContextChange,
  EffectStep,
  PendingWait,
  RunStep,
  StateHeat,
  StepLedger,
  StepMessage,
  StudioRunStatus,
} from './types';

/** A checkpoint as the timeline needs it. */
export interface TimelineCheckpoint {
  version: number;
  createdAt: number;
  status: StudioRunStatus;
  value: unknown;
  context: unknown;
  costUsd: number;
  tokens: number;
}

/** Options of {@link buildRunTimeline}. */
export interface BuildRunTimelineOptions {
  checkpoints: readonly TimelineCheckpoint[];
  journal: readonly JournalEntry[];
  /** The state that runs each invoke, by invoke id, when the chart is known. */
  stateOfInvoke?: ReadonlyMap<string, string>;
  /** When the run was last updated: the end of the last checkpoint's interval. */
  endedAt: number;
  /**
   * False for a human step left `started` whose state the run's latest checkpoint shows was
   * left: no reply reaches it. Default: every started wait is pending.
   */
  waitStillOpen?: (key: string) => boolean;
}

/** A run's timeline: its steps in order, the heat per state, its pending waits. */
export interface RunTimeline {
  steps: RunStep[];
  heat: Record<string, StateHeat>;
  waits: PendingWait[];
}

/**
 * Merges a run's checkpoints (the machine's state after each macrostep: active states and
 * context) and its journal (every model call, tool call, human wait and child agent, with
 * what it cost) into one timeline, oldest first, and sums cost and time per state.
 */
export function buildRunTimeline({
  checkpoints,
  journal,
  stateOfInvoke = new Map(),
  endedAt,
  waitStillOpen = () => true,
}: BuildRunTimelineOptions): RunTimeline {
  const checkpointSteps: CheckpointStep[] = checkpoints.map((checkpoint, index) => ({
    kind: 'checkpoint',
    index: 0,
    at: checkpoint.createdAt,
    activeStates: activeStateIds(checkpoint.value),
    version: checkpoint.version,
    status: checkpoint.status,
    contextChanges: contextChanges(checkpoints[index - 1]?.context, checkpoint.context),
    costUsd: checkpoint.costUsd,
    tokens: checkpoint.tokens,
  }));
  const requests = new Map<string, StepMessage[]>();
  const effectSteps = journal.map((entry) => {
    const step = effectStep(entry, requests);
    // Without the agent's module the chart is unknown, but the journal recorded the state that
    // invoked the effect: without it, the heat table showed every model call's state at $0.
    const recorded = entry.meta?.state;
    const state =
      stateOfInvoke.get(entry.site.split('/')[0] ?? '') ??
      (typeof recorded === 'string' && recorded !== '' ? recorded : undefined);
    if (state !== undefined) step.state = state;
    step.activeStates = activeAt(checkpointSteps, step.at, state);
    return step;
  });
  // Stable: a checkpoint and an effect at the same millisecond keep checkpoint-first order.
  const steps: RunStep[] = [...checkpointSteps, ...effectSteps].sort((a, b) => a.at - b.at);
  steps.forEach((step, index) => {
    step.index = index;
  });
  return {
    steps,
    heat: heatOf(checkpointSteps, effectSteps, endedAt),
    waits: effectSteps
      .filter(
        (step) =>
          step.kind === 'human-wait' && step.status === 'started' && waitStillOpen(step.key),
      )
      .map((step) => ({
        waitId: step.key,
        prompt: step.prompt ?? '',
        ...(step.replySchema === undefined ? {} : { replySchema: step.replySchema }),
        ...(step.deadline === undefined ? {} : { deadline: step.deadline }),
        ...(step.approval ? { approval: true as const } : {}),
      })),
  };
}

/** The ids (paths joined with `.`) of every state active in a state value, the machine's `''` first. */
export function activeStateIds(value: unknown): string[] {
  const ids = [''];
  const walk = (node: unknown, prefix: string) => {
    if (typeof node === 'string') {
      ids.push(prefix ? `${prefix}.${node}` : node);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, child] of Object.entries(node)) {
      const id = prefix ? `${prefix}.${key}` : key;
      ids.push(id);
      walk(child, id);
    }
  };
  walk(value, '');
  return ids;
}

/** The deepest of a set of active ids: the states with no active child. */
export function leafStates(active: readonly string[]): string[] {
  return active.filter(
    (id) => !active.some((other) => other !== id && (id === '' || other.startsWith(`${id}.`))),
  );
}

function contextChanges(before: unknown, after: unknown): ContextChange[] {
  const was = isRecord(before) ? before : {};
  const now = isRecord(after) ? after : {};
  const changes: ContextChange[] = [];
  for (const key of new Set([...Object.keys(was), ...Object.keys(now)])) {
    const inBefore = Object.hasOwn(was, key);
    const inAfter = Object.hasOwn(now, key);
    if (inBefore && inAfter && JSON.stringify(was[key]) === JSON.stringify(now[key])) continue;
    changes.push({
      key,
      ...(inBefore ? { before: was[key] } : {}),
      ...(inAfter ? { after: now[key] } : {}),
    });
  }
  return changes;
}

const kinds = {
  llm: 'model-call',
  tool: 'tool-call',
  human: 'human-wait',
  agent: 'agent',
} as const;

interface RecordedCall {
  response?: {
    content?: string;
    toolCalls?: { name: string; arguments: string }[];
    usage?: { inputTokens?: number; outputTokens?: number };
  };
  attempts?: number;
  costUsd?: number;
  cached?: boolean;
}

interface RecordedRequestMeta {
  after?: string;
  keep?: number;
  messages?: StepMessage[];
  tools?: string[];
}

function effectStep(entry: JournalEntry, requests: Map<string, StepMessage[]>): EffectStep {
  const step: EffectStep = {
    kind: kinds[entry.kind] ?? 'agent',
    index: 0,
    at: entry.startedAt,
    activeStates: [],
    key: entry.key,
    site: entry.site,
    name: entry.name,
    status: entry.status,
    effect: entry.effect,
    ...(entry.finishedAt === undefined ? {} : { latencyMs: entry.finishedAt - entry.startedAt }),
    ...(entry.error
      ? {
          error: {
            message: entry.error.message,
            ...(entry.error.code ? { code: entry.error.code } : {}),
          },
        }
      : {}),
  };
  // A completed step can still be why its effect stopped: a blocked answer, a failed child.
  const stopped = entry.error ? undefined : stoppedStepReason(entry);
  if (stopped) step.error = stopped;
  const meta = entry.meta ?? {};
  if (entry.kind === 'llm') {
    const output = (entry.output ?? {}) as RecordedCall;
    const usage = output.response?.usage;
    Object.assign(step, {
      ...(usage
        ? { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 }
        : {}),
      ...(output.costUsd === undefined ? {} : { costUsd: output.costUsd }),
      ...(output.attempts === undefined ? {} : { attempts: output.attempts }),
      ...(output.cached === undefined ? {} : { cached: output.cached }),
      ...(output.response
        ? {
            response: {
              role: 'assistant',
              content: output.response.content ?? '',
              ...(output.response.toolCalls?.length
                ? {
                    toolCalls: output.response.toolCalls.map(({ name, arguments: args }) => ({
                      name,
                      arguments: args,
                    })),
                  }
                : {}),
            },
          }
        : {}),
    });
    const request = meta.request as RecordedRequestMeta | undefined;
    if (request?.messages) {
      const kept = request.after
        ? (requests.get(request.after) ?? []).slice(0, request.keep ?? 0)
        : [];
      const messages = [...kept, ...request.messages];
      requests.set(entry.key, messages);
      step.messages = messages;
      if (request.tools) step.tools = request.tools;
    }
    if (isRecord(meta.prompt) && typeof meta.prompt.id === 'string') {
      step.promptVersion = `${meta.prompt.id} v${String(meta.prompt.version)}`;
    }
    const ledger = ledgerOf(meta.ledger);
    if (ledger) step.ledger = ledger;
  } else if (entry.kind === 'human') {
    step.prompt = waitPrompt(entry, (call) => JSON.stringify(call));
    if (entry.output !== undefined) step.output = entry.output;
    if (meta.replySchema !== undefined) step.replySchema = meta.replySchema;
    if (typeof meta.deadline === 'number') step.deadline = meta.deadline;
    if (meta.argumentsHash !== undefined) step.approval = true;
  } else {
    if (entry.input !== undefined) step.input = entry.input;
    if (entry.output !== undefined) step.output = entry.output;
    const lateResult = lateResultOf(entry);
    if (lateResult) step.lateResult = lateResult;
  }
  return step;
}

function ledgerOf(value: unknown): StepLedger | undefined {
  if (!isRecord(value) || !isRecord(value.sections)) return undefined;
  const number = (field: unknown) => (typeof field === 'number' ? field : undefined);
  const ledger: StepLedger = {
    contextWindow: number(value.contextWindow) ?? 0,
    sections: value.sections as Record<string, number>,
    inputTokens: number(value.inputTokens) ?? 0,
  };
  // Left out of the journal when budgeting changed nothing: the sections as sent.
  ledger.sectionsBefore = isRecord(value.sectionsBefore)
    ? (value.sectionsBefore as Record<string, number>)
    : ledger.sections;
  const reserved = number(value.reservedOutputTokens);
  if (reserved !== undefined) ledger.reservedOutputTokens = reserved;
  const tax = number(value.tokenTax);
  if (tax !== undefined) ledger.tokenTax = tax;
  // Left out of the journal when nothing was trimmed.
  ledger.trimmed = Array.isArray(value.trimmed) ? value.trimmed.length : 0;
  return ledger;
}

/**
 * The states active while an effect ran: those of the last checkpoint at or before it that
 * has the effect's state active (a checkpoint written in the same millisecond may come first
 * or last), else of the last checkpoint before it.
 */
function activeAt(checkpoints: readonly CheckpointStep[], at: number, state: string | undefined) {
  let fallback: CheckpointStep | undefined;
  let match: CheckpointStep | undefined;
  for (const checkpoint of checkpoints) {
    if (checkpoint.at <= at) fallback = checkpoint;
    if (state !== undefined && checkpoint.activeStates.includes(state)) {
      if (checkpoint.at <= at || match === undefined) match = checkpoint;
    }
  }
  return [...((match ?? fallback ?? checkpoints[0])?.activeStates ?? [])];
}

function heatOf(
  checkpoints: readonly CheckpointStep[],
  effects: readonly EffectStep[],
  endedAt: number,
): Record<string, StateHeat> {
  const heat: Record<string, StateHeat> = {};
  const of = (id: string) => {
    heat[id] ??= { costUsd: 0, durationMs: 0, modelCalls: 0, tokens: 0 };
    return heat[id];
  };
  checkpoints.forEach((checkpoint, index) => {
    if (checkpoint.status !== 'running' && checkpoint.status !== 'waiting') return;
    const end = checkpoints[index + 1]?.at ?? endedAt;
    for (const id of leafStates(checkpoint.activeStates)) {
      of(id).durationMs += Math.max(0, end - checkpoint.at);
    }
  });
  for (const effect of effects) {
    if (effect.kind !== 'model-call' || effect.state === undefined) continue;
    const entry = of(effect.state);
    entry.modelCalls += 1;
    entry.costUsd += effect.costUsd ?? 0;
    entry.tokens += (effect.inputTokens ?? 0) + (effect.outputTokens ?? 0);
  }
  return heat;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
