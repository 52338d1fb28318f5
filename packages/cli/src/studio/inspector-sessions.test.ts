import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

  it('keeps actors with the same session id from two sources apart (issue: x:0 of one recording merged with x:0 of another)', async () => {
    const sessions = new InspectorSessions();
    const light = JSON.stringify({ id: 'light', initial: 'off', states: { off: {}, on: {} } });
    const door = JSON.stringify({ id: 'door', initial: 'shut', states: { shut: {}, open: {} } });
    const a = sessions.receive(
      { type: '@xstate.actor', sessionId: 'x:0', name: 'light', definition: light, createdAt: 1 },
      'a.jsonl',
    );
    const b = sessions.receive(
      { type: '@xstate.actor', sessionId: 'x:0', name: 'door', definition: door, createdAt: 2 },
      'b.jsonl',
    );
    sessions.receive(
      {
        type: '@xstate.snapshot',
        sessionId: 'x:0',
        event: { type: 'ON' },
        snapshot: { value: 'on', status: 'active' },
        createdAt: 3,
      },
      'a.jsonl',
    );
    expect(a).not.toBe(b);
    expect(sessions.list()).toHaveLength(2);
    const first = await sessions.get(a!);
    const second = await sessions.get(b!);
    expect(first?.actor).toMatchObject({ name: 'light', sessionId: 'x:0', source: 'a.jsonl' });
    expect(first?.steps.map((step) => step.event.type)).toEqual(['@xstate.actor', 'ON']);
    expect(first?.chart?.states).toEqual(['', 'off', 'on']);
    expect(second?.actor).toMatchObject({ name: 'door', sessionId: 'x:0', source: 'b.jsonl' });
    expect(second?.steps.map((step) => step.event.type)).toEqual(['@xstate.actor']);
    expect(second?.chart?.states).toEqual(['', 'shut', 'open']);
  });

  it("dates a recording's steps by their createdAt, a string of epoch milliseconds as @statelyai/inspect writes it", async () => {
    const sessions = new InspectorSessions();
    const definition = JSON.stringify({ id: 'light', initial: 'off', states: { off: {}, on: {} } });
    const at = Date.UTC(2026, 0, 2, 3, 4, 5);
    const id = sessions.receive({
      type: '@xstate.actor',
      sessionId: 'x:0',
      definition,
      createdAt: String(at),
    });
    sessions.receive({
      type: '@xstate.snapshot',
      sessionId: 'x:0',
      event: { type: 'ON' },
      snapshot: { value: 'on' },
      createdAt: String(at + 1000),
    });
    // Before: both read as the time the studio loaded the recording.
    expect(sessions.list()[0]).toMatchObject({
      firstAt: '2026-01-02T03:04:05.000Z',
      lastAt: '2026-01-02T03:04:06.000Z',
    });
    const detail = await sessions.get(id!);
    expect(detail?.steps.at(-1)?.at).toBe('2026-01-02T03:04:06.000Z');
  });

  it('keeps as many actors as the studio guide says and drops the least recently active (docs/guides/studio.md)', async () => {
    const guide = readFileSync(
      fileURLToPath(new URL('../../../../docs/guides/studio.md', import.meta.url)),
      'utf8',
    );
    const stated = Number(/keeps at most (\d+) actors/.exec(guide)?.[1]);
    expect(stated).toBeGreaterThan(0);
    const sessions = new InspectorSessions();
    const definition = JSON.stringify({ id: 'light', initial: 'off', states: { off: {} } });
    for (let index = 0; index <= stated; index++) {
      sessions.receive({
        type: '@xstate.actor',
        sessionId: `x:${index}`,
        definition,
        createdAt: index * 1000,
      });
    }
    const listed = sessions.list();
    expect(listed).toHaveLength(stated);
    expect(listed.map((actor) => actor.sessionId)).not.toContain('x:0');
    // What the guide says of a dropped actor that sends again.
    const back = sessions.receive({
      type: '@xstate.snapshot',
      sessionId: 'x:0',
      event: { type: 'ON' },
      snapshot: { value: 'on' },
      createdAt: (stated + 1) * 1000,
    });
    const detail = await sessions.get(back!);
    expect(detail?.steps.map((step) => step.event.type)).toEqual(['ON']);
    expect(detail?.chart).toBeUndefined();
  });
});
