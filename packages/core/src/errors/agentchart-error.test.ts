import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../model/model-call-error';
import { AgentchartError } from './agentchart-error';
import { DefinitionError } from './definition-error';
import { RunError } from './run-error';

describe('AgentchartError.isInstance', () => {
  it('is true only for the class it is called on and its subclasses', () => {
    const run = new RunError('tool.failed', { message: 'x' });
    const definition = new DefinitionError('definition.duplicate_tool', 'x');
    expect(AgentchartError.isInstance(run)).toBe(true);
    expect(RunError.isInstance(run)).toBe(true);
    expect(RunError.isInstance(definition)).toBe(false);
    expect(ModelCallError.isInstance(run)).toBe(false);
    expect(RunError.isInstance(new Error('plain'))).toBe(false);
  });

  it('recognises an error made by another copy of the package', () => {
    const foreign = Object.assign(new Error('from another copy'), {
      [Symbol.for('agentchart.error')]: ['RunError', 'AgentchartError'],
      code: 'tool.failed',
    });
    expect(RunError.isInstance(foreign)).toBe(true);
    expect(DefinitionError.isInstance(foreign)).toBe(false);
  });
});
