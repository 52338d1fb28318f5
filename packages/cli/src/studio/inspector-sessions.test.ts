import { describe, expect, it } from 'vitest';
import { InspectorSessions } from './inspector-sessions';

describe('InspectorSessions', () => {
  it('draws a chart whose definition holds markup in a state type as text, adding no element or attribute (issue 14)', async () => {
    const sessions = new InspectorSessions();
    // A definition as an inspector's socket or a recording may send it: anyone's JSON.
    const definition = JSON.stringify({
      id: 'hostile',
      initial: 'a',
      states: {
        a: { type: 'final" onmouseover="alert(1)' },
        b: { type: 'atomic"><image href="x" onerror="alert(2)"/><g class="' },
      },
    });
    sessions.receive({ type: '@xstate.actor', sessionId: 'x:0', definition, createdAt: 0 });
    const chart = (await sessions.get('x:0'))?.chart;
    expect(chart?.svg).toContain('data-state="b"');
    expect(chart?.svg).not.toMatch(/<image|\son\w+="/);
    // Three groups for the machine and its two states: none came from the definition's text.
    expect(chart?.svg.match(/<g class="ac-state/g)).toHaveLength(3);
  });
});
