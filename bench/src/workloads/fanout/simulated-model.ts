import type { ChatModel } from '@agentchart/core';
import { type ScriptedModel, scriptedModel } from '@agentchart/core/testing';

/** The simulated model call's latency, in ms: the middle step waits this long. */
export const modelLatencyMs = 50;

/** Core's scripted model answering `{ "ok": true }` after 50 ms: the same model for every variant. */
export function simulatedModel(): ScriptedModel {
  return scriptedModel({ handler: () => ({ json: { ok: true } }), latencyMs: modelLatencyMs });
}

/** A run's result, as every variant's last step makes it. */
export interface FanoutResult {
  id: number;
  ok: boolean;
}

/** Step 1, the same in every variant: the prompt for run `id`. */
export async function prepare(id: number): Promise<string> {
  return `Run ${id}: answer ok.`;
}

/** Step 3, the same in every variant: the run's result from the model's verdict. */
export async function finish(id: number, verdict: { ok: boolean }): Promise<FanoutResult> {
  return { id, ok: verdict.ok };
}

/** Step 2 as the plain, raw XState and LangGraph variants make it: one model call. */
export async function callModel(model: ChatModel, prompt: string): Promise<{ ok: boolean }> {
  const response = await model.generate(
    { messages: [{ role: 'user', content: prompt }] },
    { signal: new AbortController().signal },
  );
  return JSON.parse(response.content) as { ok: boolean };
}

/** Throws unless every run answered ok under its own id. */
export function checkFanout(variant: string, outputs: readonly (FanoutResult | undefined)[]): void {
  outputs.forEach((output, index) => {
    if (output?.id !== index || output.ok !== true) {
      throw new Error(`${variant}: run ${index} ended with ${JSON.stringify(output)}`);
    }
  });
}

/**
 * One fan-out round: `size` concurrent runs, each checked. `model` replaces the simulated one
 * (a probe's model that answers when it is told to, say).
 */
export type FanoutRound = (size: number, model?: ChatModel) => Promise<void>;
