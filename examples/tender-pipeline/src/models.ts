import type { ChatModel } from '@agentchart/core';
import { demoModel } from './demo-model';

/** The models the pipeline uses, by alias. */
export interface PipelineModels {
  classifier: ChatModel;
  writer: ChatModel;
  /** Where the models come from, for the demo's header line. */
  description: string;
}

/**
 * A real OpenAI-compatible endpoint when `OPENAI_API_KEY` is set (and `OPENAI_BASE_URL`
 * for LM Studio, Ollama, vLLM, Groq …), otherwise the embedded offline demo model.
 */
export async function pipelineModels(
  env: NodeJS.ProcessEnv = process.env,
): Promise<PipelineModels> {
  if (env.OPENAI_API_KEY) {
    const { openAIChatModel } = await import('@agentchart/openai');
    const classifierName = env.AGENTCHART_CLASSIFIER_MODEL ?? 'gpt-4o-mini';
    const writerName = env.AGENTCHART_WRITER_MODEL ?? classifierName;
    return {
      classifier: openAIChatModel({ model: classifierName }),
      writer: openAIChatModel({ model: writerName }),
      description: `${classifierName} / ${writerName} at ${env.OPENAI_BASE_URL ?? 'api.openai.com'}`,
    };
  }
  const latencyMs = Number(env.DEMO_LATENCY_MS ?? 60);
  return {
    classifier: demoModel({ name: 'demo-classifier', latencyMs }),
    writer: demoModel({ name: 'demo-writer', latencyMs: latencyMs * 2 }),
    description: `embedded demo model (offline, ${latencyMs} ms simulated latency; set OPENAI_API_KEY for a real model)`,
  };
}
