import { describe, expect, it } from 'vitest';
import { checkout, reviewAgent } from './__fixtures__/machines';
import { describeMachine } from './describe-machine';
import type { StateGraph } from './types';

function stateAt(root: StateGraph, ...path: string[]): StateGraph {
  let state = root;
  for (const key of path) state = state.children.find((child) => child.key === key)!;
  expect(state.path).toEqual(path);
  return state;
}

describe('describeMachine', () => {
  const root = describeMachine(checkout);

  it('keeps the nesting, the initial child and the kind of each state', () => {
    expect(root.children.map((state) => [state.key, state.type])).toEqual([
      ['cart', 'atomic'],
      ['payment', 'compound'],
      ['fulfilment', 'parallel'],
      ['done', 'final'],
    ]);
    expect(root.initial).toBe('cart');
    expect(stateAt(root, 'payment').initial).toBe('card');
    expect(stateAt(root, 'payment', 'hist')).toMatchObject({ type: 'history', history: 'deep' });
    expect(stateAt(root, 'cart').description).toBe('Items are being picked');
  });

  it('names guards: combinators, parameterized, inline and stateIn', () => {
    expect(stateAt(root, 'cart').transitions).toEqual([
      {
        trigger: { kind: 'event', event: 'CHECKOUT' },
        guard: 'and(hasItems, not(isBlocked))',
        targets: [['payment']],
        reenter: false,
      },
      { trigger: { kind: 'event', event: 'ADD' }, targets: [], reenter: false },
      { trigger: { kind: 'event', event: 'REFRESH' }, targets: [['cart']], reenter: true },
      {
        trigger: { kind: 'event', event: '*' },
        guard: 'inline guard',
        targets: [],
        reenter: false,
      },
    ]);
    expect(stateAt(root, 'payment', 'declined').transitions.at(-1)).toEqual({
      trigger: { kind: 'always' },
      guard: 'withinLimit',
      targets: [['payment', 'card']],
      reenter: false,
    });
    expect(stateAt(root, 'fulfilment', 'shipping', 'packing').transitions.at(-1)).toMatchObject({
      trigger: { kind: 'after', delay: '1000' },
      guard: 'stateIn("#checkout.fulfilment.billing.sent")',
    });
  });

  it("turns invokes' onDone and onError, after and a state's onDone into edges", () => {
    expect(stateAt(root, 'payment', 'card').transitions.map((t) => t.trigger)).toEqual([
      { kind: 'invoke-done', invoke: 'charge' },
      { kind: 'invoke-error', invoke: 'charge' },
      { kind: 'after', delay: 'paymentTimeout' },
    ]);
    expect(stateAt(root, 'payment').transitions).toEqual([
      { trigger: { kind: 'state-done' }, targets: [['fulfilment']], reenter: false },
    ]);
    expect(root.transitions).toEqual([
      { trigger: { kind: 'event', event: 'RESET' }, targets: [['cart']], reenter: false },
    ]);
  });

  it('names invokes readably and reads agentchart effect specs', () => {
    expect(stateAt(root, 'payment', 'card').invokes).toEqual([
      { id: 'charge', name: 'charge', src: 'charge' },
    ]);
    const packing = stateAt(root, 'fulfilment', 'shipping', 'packing');
    expect(packing.invokes).toEqual([
      { id: '0.checkout.fulfilment.shipping.packing', name: 'inline #1' },
    ]);
    expect(packing.transitions[0]!.trigger).toEqual({ kind: 'invoke-done', invoke: 'inline #1' });

    const review = describeMachine(reviewAgent.machine);
    expect(review.children.flatMap((state) => state.invokes)).toEqual([
      {
        id: 'calc',
        name: 'calc',
        src: 'calculate',
        effect: { kind: 'tool-call', models: [], tools: ['calculator'] },
      },
      {
        id: '0.review.approving',
        name: 'approve',
        src: 'approve',
        effect: { kind: 'human-wait', models: [], tools: [] },
      },
    ]);
  });
});
