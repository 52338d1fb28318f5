import { agentFactory, createAgent } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { deskMachine } from './delegating-agent';

/** The desk's next deploy: its child's chart changed, and the child has no migrate. */
export const deskAgentNext = agentFactory((host) =>
  createAgent({
    machine: deskMachine(true),
    models: { fast: scriptedModel({ handler: () => ({ json: { note: 'Refunded.' } }) }) },
    ...host,
  }),
);
