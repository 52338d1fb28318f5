import { scriptedModel } from '@agentchart/core/testing';
import { firstAgent } from './agent';

// Offline: a scripted model. With OPENAI_API_KEY set: openAIChatModel({ model: 'gpt-4o-mini' }),
// at OPENAI_BASE_URL when that is set too (LM Studio, Ollama, vLLM …).
const model = process.env.OPENAI_API_KEY
  ? (await import('@agentchart/openai')).openAIChatModel({
      model: process.env.AGENTCHART_MODEL ?? 'gpt-4o-mini',
    })
  : scriptedModel({ responses: [{ json: { urgent: true, team: 'billing' } }] });

const outcome = await firstAgent(model).run({ input: { ticket: 'I was charged twice!' } });
console.log(outcome.status, outcome.status === 'done' ? outcome.output : outcome);
