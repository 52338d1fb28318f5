import type { ChatModel } from '@agentchart/core';
import { demoModels } from './demo-models';

/** The cheap and the strong model, and where they come from. */
export interface CompoundModels {
  cheap: ChatModel;
  strong: ChatModel;
  description: string;
}

/**
 * Real OpenAI-compatible models when `OPENAI_API_KEY` is set (`OPENAI_BASE_URL` for another
 * endpoint; `AGENTCHART_CHEAP_MODEL` and `AGENTCHART_STRONG_MODEL` for their names),
 * otherwise the example's offline models priced as gpt-4o-mini and gpt-4o.
 */
export async function compoundModels(
  env: NodeJS.ProcessEnv = process.env,
): Promise<CompoundModels> {
  if (env.OPENAI_API_KEY) {
    const { openAIChatModel } = await import('@agentchart/openai');
    const cheap = env.AGENTCHART_CHEAP_MODEL ?? 'gpt-4o-mini';
    const strong = env.AGENTCHART_STRONG_MODEL ?? 'gpt-4o';
    const at = env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {};
    return {
      cheap: openAIChatModel({ model: cheap, apiKey: env.OPENAI_API_KEY, ...at }),
      strong: openAIChatModel({ model: strong, apiKey: env.OPENAI_API_KEY, ...at }),
      description: `${cheap} and ${strong} at ${env.OPENAI_BASE_URL ?? 'api.openai.com'}`,
    };
  }
  return {
    ...demoModels({ latencyMs: Number(env.DEMO_LATENCY_MS ?? 0) }),
    description: 'offline demo models priced as gpt-4o-mini and gpt-4o',
  };
}
