import { testAgentPaths } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { tenderPipeline } from './pipeline';
import { sampleTenders } from './tenders';

const tender = sampleTenders[0]!;
const filter = (relevant: boolean, confidence: number) => ({
  relevant,
  confidence,
  categories: ['ports'],
  reasoning: 'r',
});
const rating = (overall: number) => ({
  overall,
  strategicFit: 7,
  winProbability: 0.5,
  effort: 'medium',
  strengths: ['s'],
  risks: ['r'],
});
const error = (code: string) => ({ code, message: `${code} happened` });

/** Every event the invoked effects can send back, success and failure edges alike. */
const effectEvents = [
  { type: 'xstate.done.actor.filter', output: filter(true, 0.9) },
  { type: 'xstate.done.actor.filter', output: filter(false, 0.95) },
  { type: 'xstate.done.actor.filter', output: filter(true, 0.5) },
  { type: 'xstate.error.actor.filter', error: error('output.invalid') },
  { type: 'xstate.done.actor.rate', output: rating(8) },
  { type: 'xstate.done.actor.rate', output: rating(5) },
  { type: 'xstate.error.actor.rate', error: error('output.refused') },
  {
    type: 'xstate.done.actor.research',
    output: { content: 'notes', messages: [], steps: 2, toolCalls: 2 },
  },
  { type: 'xstate.error.actor.research', error: error('tool.failed') },
  { type: 'xstate.error.actor.research', error: error('loop.step_limit') },
  {
    type: 'xstate.done.actor.write',
    output: {
      executiveSummary: 'a',
      technicalApproach: 'b',
      teamAndExperience: 'c',
      pricingAndTimeline: 'd',
    },
  },
  { type: 'xstate.error.actor.write', error: error('output.invalid') },
] as const;

const traversal = { input: { tender }, events: effectEvents as never };

describe('tenderPipeline graph', () => {
  it('reaches every final state by some path, failure edges included', () => {
    const paths = getShortestPaths(tenderPipeline, traversal);
    const finals = new Set(
      paths
        .map((path) => path.state.value as string)
        .filter((value) => ['filteredOut', 'ratedLow', 'bidReady', 'failed'].includes(value)),
    );
    expect([...finals].sort()).toEqual(['bidReady', 'failed', 'filteredOut', 'ratedLow']);
  });

  it('records an outcome and a stop reason on every simple path to a final state', () => {
    const paths = getSimplePaths(tenderPipeline, traversal).filter(
      (path) => path.state.status === 'done',
    );
    // filter: 3 exits (not relevant, low confidence, error) + rating: 2 (low, error)
    // + research: 2 (tool error, step limit) + writing: 1 (error) + the bid = 9 paths.
    expect(paths).toHaveLength(9);
    for (const path of paths) {
      const output = path.state.output as { outcome: string; stopReason: string };
      expect(output.outcome).toMatch(/^(filtered_out|rated_low|bid_ready|failed)$/);
      expect(output.stopReason.length).toBeGreaterThan(0);
    }
    const failureReasons = paths
      .map((path) => path.state.output as { outcome: string; stopReason: string })
      .filter((output) => output.outcome === 'failed')
      .map(
        (output) =>
          output.stopReason.split(' ')[0] + ' ' + /\(([^)]+)\)/.exec(output.stopReason)?.[1],
      );
    expect(new Set(failureReasons)).toEqual(
      new Set([
        'filter output.invalid',
        'rating output.refused',
        'research tool.failed',
        'research loop.step_limit',
        'writing output.invalid',
      ]),
    );
  });

  it('drops a relevant tender whose confidence is under 0.6, and rates low under 7', () => {
    const paths = getSimplePaths(tenderPipeline, traversal).filter(
      (path) => path.state.status === 'done',
    );
    const reasons = paths.map((path) => (path.state.output as { stopReason: string }).stopReason);
    expect(reasons).toContain('confidence 0.5 < 0.6');
    expect(reasons).toContain('score 5 < 7');
  });
});

describe('tenderPipeline paths on scripted models', () => {
  it('ends every path where the graph says, failure edges and limit hits included', async () => {
    const bid = effectEvents[10].output;
    const report = await testAgentPaths({
      machine: tenderPipeline,
      input: { tender },
      effects: {
        filter: { outputs: [filter(true, 0.9), filter(false, 0.95), filter(true, 0.5)] },
        rate: { outputs: [rating(8), rating(5)] },
        research: {
          outputs: ['Rotterdam: 3 contracts; references: port upgrade'],
          // The archive tool fails for this category (the demo's T-110 quirk).
          toolError: { tool: 'reference_projects', arguments: { category: 'unavailable' } },
        },
        write: { outputs: [bid] },
      },
    });
    expect(report.failures).toEqual([]);
    // Ends: filter 2 drops + 3 failures, rating 1 low + 3 failures, research 4 failures
    // (invalid tool call, tool error, 429, breaker), writing 1 bid + 3 failures = 17 paths;
    // and one limit hit per effect.
    expect(report.paths.filter((path) => path.kind === 'path')).toHaveLength(17);
    expect(report.paths.filter((path) => path.kind === 'limit')).toHaveLength(4);
    const toolFailure = report.paths.find((path) =>
      path.name.endsWith('(research: tool-error)-> failed'),
    );
    expect(toolFailure?.outcome).toMatchObject({
      status: 'done',
      output: {
        outcome: 'failed',
        stopReason: expect.stringMatching(
          /^research failed \(tool\.failed\): Tool "reference_projects" failed: reference archive is offline/,
        ),
      },
    });
  });
});
