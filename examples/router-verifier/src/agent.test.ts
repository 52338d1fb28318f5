import type { ChatRequest } from '@agentchart/core';
import { testAgentPaths } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { routerVerifier } from './agent';

const formatOf = (request: ChatRequest) =>
  request.responseFormat?.type === 'json_schema' ? request.responseFormat.name : '';

/**
 * Answers the router, the generator and the verifier; `passes` gets the index of the call
 * within the effect (router 0, generator 1, verdict 2, generator 3, verdict 4).
 */
const script =
  (route: 'quick' | 'careful', passes: (callIndex: number) => boolean) =>
  (request: ChatRequest, index: number) => {
    const format = formatOf(request);
    if (format === 'route') return { json: { route } };
    if (format === 'verdict') {
      const pass = passes(index);
      return { json: { pass, issues: pass ? [] : ['the VAT is missing'] } };
    }
    return { json: { total: 42, working: '6 × 7' } };
  };

const result = (model: string, revisions: number, pass: boolean) => ({
  route: 'quick',
  output: { total: 42, working: '6 × 7' },
  verdict: { pass, issues: pass ? [] : ['the VAT is missing'] },
  revisions,
  model,
});

describe('routerVerifier paths', () => {
  it('ends every path where the chart says: verified, revised, unverified, failed, limits', async () => {
    const report = await testAgentPaths({
      machine: routerVerifier,
      input: { question: 'What is 6 times 7?' },
      effects: {
        solve: {
          scripted: [
            {
              name: 'verified',
              result: { output: result('cheap', 0, true) },
              answer: script('quick', () => true),
            },
            {
              name: 'verified after a revision',
              result: { output: result('strong', 1, true) },
              answer: script('quick', (index) => index > 2),
            },
            {
              name: 'revisions ran out',
              result: { output: result('strong', 1, false) },
              answer: script('quick', () => false),
            },
          ],
        },
      },
    });
    expect(report.failures).toEqual([]);
    expect(report.paths.map((path) => path.name)).toEqual([
      'solving -(solve: verified)-> answered',
      'solving -(solve: verified after a revision)-> answered',
      'solving -(solve: revisions ran out)-> unverified',
      'solving -(solve: invalid-output)-> failed',
      'solving -(solve: rate-limited)-> failed',
      'solving -(solve: breaker-open)-> failed',
      'maxModelCalls 0 hit at solve on solving -(solve: verified)-> answered',
    ]);
    const outputs = report.paths.map(
      (path) => path.outcome.status === 'done' && path.outcome.output,
    );
    expect(outputs[1]).toMatchObject({ route: 'quick', model: 'strong', revisions: 1 });
    expect(outputs[2]).toMatchObject({ issues: ['the VAT is missing'] });
    expect(outputs[3]).toMatchObject({ reason: 'output.invalid' });
  });
});
