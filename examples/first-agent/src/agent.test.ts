import { createAgent, ModelCallError } from '@agentchart/core';
import { singleAttemptPolicy } from '@agentchart/core/reliability';
import { scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { firstAgent, machine } from './agent';

describe('first agent (README)', () => {
  it('escalates an urgent ticket to the team the model chose', async () => {
    const model = scriptedModel({ responses: [{ json: { urgent: true, team: 'billing' } }] });
    const outcome = await firstAgent(model).run({ input: { ticket: 'charged twice' } });
    expect(outcome).toMatchObject({ status: 'done', output: { team: 'billing' } });
  });

  it('says why a ticket went to a human: the model kept answering outside the schema (issue 16)', async () => {
    const model = scriptedModel({ handler: () => ({ json: { urgent: 'maybe' } }) });
    const agent = firstAgent(model);
    const handle = agent.start({ input: { ticket: '?' } });
    const outcome = await handle.result();
    expect(handle.getSnapshot().value).toBe('needsHuman');
    expect(outcome).toMatchObject({ status: 'done', output: { needsHuman: 'output.invalid' } });
    expect(model.requests).toHaveLength(3);
  });

  it('says why a ticket went to a human: the provider failed (issue 16)', async () => {
    const model = scriptedModel({
      handler: () => ({
        error: new ModelCallError({ kind: 'rate_limited', status: 429, message: 'slow down' }),
      }),
    });
    const agent = createAgent({
      machine,
      models: { fast: model },
      modelPolicy: singleAttemptPolicy,
    });
    const outcome = await agent.run({ input: { ticket: 'charged twice' } });
    expect(outcome).toMatchObject({ status: 'done', output: { needsHuman: 'model.rate_limited' } });
  });
});
