import { agentFactory, createAgent } from '@agentchart/core';
import { payingMachine } from './paying-agent';

/** The payment of `paying-agent`, in a run of at most 10 minutes: far less than its approval's 24 hours. */
export const hurriedPayer = agentFactory((host) =>
  createAgent({ machine: payingMachine, limits: { maxWallTimeMs: 600_000 }, ...host }),
);
