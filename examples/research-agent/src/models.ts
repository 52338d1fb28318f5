import type { ChatModel } from '@agentchart/core';
import { demoModel } from './demo-model';

/**
 * A real OpenAI-compatible model when `OPENAI_API_KEY` is set (`OPENAI_BASE_URL`,
 * `AGENTCHART_MODEL`; `AGENTCHART_CONTEXT_WINDOW` plans against a smaller window than the
 * model's, to watch the budget work), otherwise the offline demo model with a 4 096-token
 * window.
 */
export async function researchModel(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ model: ChatModel; description: string }> {
  if (env.OPENAI_API_KEY) {
    const { openAIChatModel } = await import('@agentchart/openai');
    const name = env.AGENTCHART_MODEL ?? 'gpt-4o-mini';
    const window = env.AGENTCHART_CONTEXT_WINDOW
      ? Number(env.AGENTCHART_CONTEXT_WINDOW)
      : undefined;
    return {
      model: openAIChatModel({
        model: name,
        apiKey: env.OPENAI_API_KEY,
        ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
        ...(window ? { metadata: { contextWindow: window } } : {}),
      }),
      description: `${name} at ${env.OPENAI_BASE_URL ?? 'api.openai.com'}${window ? `, planned against ${window} tokens` : ''}`,
    };
  }
  return {
    model: demoModel({ latencyMs: Number(env.DEMO_LATENCY_MS ?? 20) }),
    description: 'the offline demo model (4 096-token window; set OPENAI_API_KEY for a real one)',
  };
}
