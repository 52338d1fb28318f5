import { type ScriptedModel, scriptedModel } from '@agentchart/core/testing';

/** The simulated model call's latency, in ms. */
export const modelLatencyMs = 50;

/** Core's scripted model answering `{ "ok": true }` after 50 ms: the same model for every variant. */
export function simulatedModel(): ScriptedModel {
  return scriptedModel({ handler: () => ({ json: { ok: true } }), latencyMs: modelLatencyMs });
}

/** One model call as the plain, raw XState and LangGraph variants make it. */
export async function callModel(
  model: ScriptedModel,
  id: number,
): Promise<{ id: number; ok: boolean }> {
  const response = await model.generate(
    { messages: [{ role: 'user', content: `Run ${id}: answer ok.` }] },
    { signal: new AbortController().signal },
  );
  return { id, ok: (JSON.parse(response.content) as { ok: boolean }).ok };
}

/** Throws unless every run answered ok under its own id. */
export function checkFanout(
  variant: string,
  outputs: readonly { id: number; ok: boolean }[],
): void {
  outputs.forEach((output, index) => {
    if (output?.id !== index || output.ok !== true) {
      throw new Error(`${variant}: run ${index} ended with ${JSON.stringify(output)}`);
    }
  });
}

/** One fan-out round: `size` concurrent runs, each checked. */
export type FanoutRound = (size: number) => Promise<void>;
