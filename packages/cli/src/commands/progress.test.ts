import { type Agent, RunEvents } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { printProgress } from './progress';

describe('printProgress', () => {
  it('prints a tool call read back from the journal once, as read back, not as a call that ran', () => {
    const events = new RunEvents(() => 0);
    let printed = '';
    printProgress({ events } as unknown as Agent, { write: (text: string) => (printed += text) });
    const key = '0.refunds.refunding#0/1:tool:lookup_order';
    events.emit('effect.replayed', 't', { site: 's', key, kind: 'tool' });
    events.emit('tool.call.end', 't', {
      site: 's',
      callId: key,
      tool: 'lookup_order',
      latencyMs: 0,
      cached: true,
      output: {},
    });
    // Before: "tool lookup_order: 0 ms" followed the line saying it was not run again.
    expect(printed).toBe(`[t]     ↺ ${key} from the journal (not run again)\n`);
    events.emit('tool.call.end', 't', {
      site: 's',
      callId: key,
      tool: 'lookup_order',
      latencyMs: 3,
      cached: false,
      output: {},
    });
    expect(printed).toContain('[t]     tool lookup_order: 3 ms\n');
  });
});
