import { agentFactory, createAgent } from '@agentchart/core';
import { setup } from 'xstate';

/** A reminder whose 6 s timer leads to a state whose entry action throws: woken, it fails. */
export const brokenReminder = setup({
  actions: {
    remind: () => {
      throw new Error('the reminder service is gone');
    },
  },
}).createMachine({
  id: 'broken-reminder',
  initial: 'sleeping',
  states: {
    sleeping: { after: { 6000: 'reminding' } },
    reminding: { entry: 'remind', type: 'final' },
  },
});

export const brokenReminderAgent = agentFactory((host) =>
  createAgent({ machine: brokenReminder, ...host }),
);
