import type { ChatModel } from '@agentchart/core';
import { demoModel } from './demo-model';

/** The triage model and where it comes from. */
export interface SupportModels {
  triage: ChatModel;
  description: string;
}

/**
 * A real OpenAI-compatible endpoint when `OPENAI_API_KEY` is set (`OPENAI_BASE_URL` for
 * LM Studio, Ollama, vLLM, Groq …; `AGENTCHART_MODEL` for the model's name), otherwise the
 * example's offline model.
 */
export async function supportModels(env: NodeJS.ProcessEnv = process.env): Promise<SupportModels> {
  if (env.OPENAI_API_KEY) {
    const { openAIChatModel } = await import('@agentchart/openai');
    const name = env.AGENTCHART_MODEL ?? 'gpt-4o-mini';
    return {
      triage: openAIChatModel({
        model: name,
        apiKey: env.OPENAI_API_KEY,
        ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
      }),
      description: `${name} at ${env.OPENAI_BASE_URL ?? 'api.openai.com'}`,
    };
  }
  return {
    triage: demoModel({ latencyMs: Number(env.DEMO_LATENCY_MS ?? 40) }),
    description: 'the offline demo model (set OPENAI_API_KEY for a real one)',
  };
}
