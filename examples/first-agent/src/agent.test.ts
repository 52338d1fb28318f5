import { scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { firstAgent } from './agent';

describe('first agent (README)', () => {
  it('escalates an urgent ticket to the team the model chose', async () => {
    const model = scriptedModel({ responses: [{ json: { urgent: true, team: 'billing' } }] });
    const outcome = await firstAgent(model).run({ input: { ticket: 'charged twice' } });
    expect(outcome).toMatchObject({ status: 'done', output: { team: 'billing' } });
  });

  it('goes to needsHuman when the model keeps answering outside the schema', async () => {
    const model = scriptedModel({ handler: () => ({ json: { urgent: 'maybe' } }) });
    const agent = firstAgent(model);
    const handle = agent.start({ input: { ticket: '?' } });
    await handle.result();
    expect(handle.getSnapshot().value).toBe('needsHuman');
    expect(model.requests).toHaveLength(3);
  });
});
