import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { createAgent } from './create-agent';

const machine = setup({}).createMachine({
  id: 'tenanted',
  initial: 'done',
  states: { done: { type: 'final' } },
});

describe('agent.start tenantId (issue: a tenant id PostgreSQL refuses left its thread running)', () => {
  it.each([
    ['an empty string', '', /a tenant id is a non-empty string/],
    ['a number', 42, /a tenant id is a non-empty string, got the number 42/],
    ['a NUL', 'acme\u0000', /control character U\+0000 at position 4/],
    ['a line break', 'acme\nforged log line', /control character U\+000A at position 4/],
    ['a lone surrogate', 'acme\ud800', /lone UTF-16 surrogate \(U\+D800\) at position 4/],
    ['1,001 bytes', 'x'.repeat(1_001), /takes 1001 bytes in UTF-8, over the 1000/],
    ['400 Chinese characters', '中'.repeat(400), /takes 1200 bytes in UTF-8/],
  ])('refuses %s before anything is stored, saying why', async (_, tenantId, why) => {
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine, checkpointer });
    const refused = agent.run({ threadId: 't', input: {}, tenantId: tenantId as string });
    await expect(refused).rejects.toMatchObject({ code: 'definition.invalid_option' });
    await expect(refused).rejects.toThrow(why);
    expect(await checkpointer.latest('t')).toBeUndefined();
  });

  it('takes an id of 1,000 bytes, and one in any script', async () => {
    const agent = createAgent({ machine, checkpointer: new MemoryCheckpointer() });
    for (const tenantId of ['x'.repeat(1_000), '中'.repeat(333), 'café-😀']) {
      const outcome = await agent.run({ input: {}, tenantId });
      expect(outcome.status).toBe('done');
    }
  });
});
