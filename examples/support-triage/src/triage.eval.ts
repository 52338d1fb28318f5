/**
 * The triage evals: `./run agentchart eval examples/support-triage/src/triage.eval.ts
 * examples/support-triage/data/golden.jsonl --min-pass-rate 0.9`. Both prompt versions run
 * side by side over the golden tickets; a ticket passes when it went where a person would
 * send it — the right queue, or the desk when it is unclear.
 */
import { MemoryCheckpointer } from '@agentchart/core';
import { defineEval, type EvalRun, fieldMatch, trajectory } from 'agentchart/eval';
import { supportAgent, type TriageContext } from './agent';
import { supportModels } from './models';
import { triagePrompt, triagePromptShort } from './prompts';

export default defineEval({
  name: 'support triage',
  variants: { v1: triagePrompt, v2: triagePromptShort },
  agent: async (prompt) =>
    supportAgent({
      model: (await supportModels({ ...process.env, DEMO_LATENCY_MS: '0' })).triage,
      prompt,
      checkpointer: new MemoryCheckpointer(),
    }),
  // An escalated ticket is judged by going to the desk; the model's guess does not count.
  output: ({ context, trajectory: states }: EvalRun<TriageContext>) => {
    const escalated = states.includes('awaitingDesk');
    return { category: escalated ? null : (context.triage?.category ?? null), escalated };
  },
  scorers: [fieldMatch(['category', 'escalated']), trajectory()],
  minPassRate: 0.9,
});
