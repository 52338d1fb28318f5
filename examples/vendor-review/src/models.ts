import type { ChatModel } from '@agentchart/core';
import { openAIChatModel } from '@agentchart/openai';
import { demoModel } from './demo-model';

/**
 * A real OpenAI-compatible model when `OPENAI_API_KEY` is set (`OPENAI_BASE_URL`,
 * `AGENTCHART_MODEL`), otherwise the offline demo model.
 */
export function vendorModel(env: NodeJS.ProcessEnv = process.env): {
  model: ChatModel;
  description: string;
} {
  if (env.OPENAI_API_KEY) {
    const name = env.AGENTCHART_MODEL ?? 'gpt-4o-mini';
    return {
      model: openAIChatModel({
        model: name,
        apiKey: env.OPENAI_API_KEY,
        ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
      }),
      description: `${name} at ${env.OPENAI_BASE_URL ?? 'api.openai.com'}`,
    };
  }
  return {
    model: demoModel({ latencyMs: Number(env.DEMO_LATENCY_MS ?? 30) }),
    description: 'the offline demo model (set OPENAI_API_KEY for a real one)',
  };
}
