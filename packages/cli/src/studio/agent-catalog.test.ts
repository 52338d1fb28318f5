import { machineVersionOf, versionWithoutChildMachines } from '@agentchart/core/internal';
import { describe, expect, it } from 'vitest';
import { fromPromise, setup } from 'xstate';
import { AgentCatalog } from './agent-catalog';

const child = setup({}).createMachine({ id: 'child', initial: 'idle', states: { idle: {} } });
const parent = setup({
  actors: { child, step: fromPromise(async () => 1) },
}).createMachine({
  id: 'parent',
  initial: 'running',
  states: { running: { invoke: { id: 'child', src: 'child' } } },
});

describe('AgentCatalog', () => {
  it('finds a machine with child machines by the version its older checkpoints carry too', () => {
    const catalog = new AgentCatalog();
    const entry = catalog.add(parent, 'orders');
    const former = versionWithoutChildMachines(parent);

    expect(former).toBeDefined();
    expect(former).not.toBe(machineVersionOf(parent));
    expect(catalog.get(former!)).toBe(entry);
    expect(catalog.nameOf(former!)).toBe('orders');
    expect(catalog.all()).toEqual([entry]);
  });
});
