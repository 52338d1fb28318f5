import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { DefinitionError } from '../errors/definition-error';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { agentFactory, isAgentFactory } from './agent-factory';
import { createAgent } from './create-agent';

const machine = setup({}).createMachine({
  id: 'tiny',
  initial: 'done',
  states: { done: { type: 'final' } },
});

describe('agentFactory', () => {
  it('creates the agent on the store the host gives it', async () => {
    const factory = agentFactory((host) => createAgent({ machine, ...host }));
    const checkpointer = new MemoryCheckpointer();
    const agent = factory.create({ checkpointer });
    expect(await agent.run({ threadId: 't', input: {} })).toMatchObject({ status: 'done' });
    expect(await checkpointer.latest('t')).toMatchObject({
      run: { status: 'done', agent: 'tiny' },
    });
  });

  it('is recognised by its marker, also from another copy of the package', () => {
    const factory = agentFactory((host) => createAgent({ machine, ...host }));
    expect(isAgentFactory(factory)).toBe(true);
    expect(isAgentFactory({ ...factory })).toBe(true);
    expect(isAgentFactory({ create: () => undefined })).toBe(false);
    expect(isAgentFactory(createAgent({ machine }))).toBe(false);
  });

  it('refuses something that is not a function, saying how to write one', () => {
    expect(() => agentFactory('agent' as never)).toThrow(DefinitionError);
    expect(() => agentFactory('agent' as never)).toThrow(/agentFactory\(\(host\) => createAgent/);
  });
});
