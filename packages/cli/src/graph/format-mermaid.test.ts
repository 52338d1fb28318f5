import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { checkout } from './__fixtures__/machines';
import { describeMachine } from './describe-machine';
import { formatMermaid } from './format-mermaid';

const mermaidOf = (machine: Parameters<typeof describeMachine>[0]) =>
  formatMermaid({ id: machine.id, exports: [], root: describeMachine(machine) });

describe('formatMermaid', () => {
  it('draws nested states as composites and parallel regions split by --', () => {
    const text = mermaidOf(checkout);
    expect(text).toContain(
      [
        '  state fulfilment {',
        '    state shipping {',
        '      [*] --> packing',
        '      state packing',
        '      packing : invoke inline #1 — inline actor',
        '      packing --> shipped : onDone(inline #1)',
        '      packing --> shipped : after 1000ms [stateIn("#checkout.fulfilment.billing.sent")]',
        '      state shipped',
        '      shipped --> [*]',
        '    }',
        '    --',
        '    state billing {',
      ].join('\n'),
    );
    expect(text).toContain('  %% on the machine: RESET → cart\n');
    expect(text).toContain('  cart --> cart : ADD (no target)\n');
    expect(text).toContain('  payment --> fulfilment : onDone\n');
  });

  it('gives states that share a key distinct ids, labelled with their key', () => {
    const machine = setup({}).createMachine({
      id: 'twins',
      initial: 'a',
      states: {
        a: { initial: 'idle', states: { idle: { on: { GO: '#twins.b.idle' } } } },
        b: { initial: 'idle', states: { idle: {} } },
        'not ok!': {},
      },
    });
    const text = mermaidOf(machine);
    expect(text).toContain('    state "idle" as a__idle\n');
    expect(text).toContain('    state "idle" as b__idle\n');
    expect(text).toContain('    a__idle --> b__idle : GO\n');
    expect(text).toContain('  state "not ok!" as not_ok_\n');
  });
});
