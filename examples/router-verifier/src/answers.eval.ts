/**
 * The evals: `./run agentchart eval examples/router-verifier/src/answers.eval.ts
 * examples/router-verifier/data/questions.jsonl`. The compound agent and the strong model
 * alone, side by side over the same questions: right answers, and what each spent.
 */
import { customScorer, defineEval, llmJudge, numericTolerance } from 'agentchart/eval';
import { compoundAgent } from './agent';
import { demoJudge } from './demo-judge';
import { compoundModels } from './models';
import { strongOnlyAgent } from './strong-only';

export default defineEval({
  name: 'order answers',
  variants: { compound: 'compound', 'strong-only': 'strong-only' },
  agent: async (variant) => {
    const models = await compoundModels();
    return variant === 'compound' ? compoundAgent(models) : strongOnlyAgent(models.strong);
  },
  scorers: [
    numericTolerance({ field: 'total', tolerance: 0.005 }),
    // A second opinion in words; offline, a judge that checks the arithmetic.
    llmJudge({
      model: process.env.OPENAI_API_KEY ? (await compoundModels()).strong : demoJudge(),
      criteria: 'The total answers the question exactly, to the cent.',
    }),
    customScorer('at most 5 calls', ({ run }) => run.outcome.usage.modelCalls <= 5),
  ],
  minPassRate: 0.9,
});
