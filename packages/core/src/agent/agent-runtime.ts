import type { AnyStateMachine } from 'xstate';
import type { Clock, IdGenerator } from '../clock/clock';
import type { RunEvents } from '../events/run-events';
import type { Checkpointer } from '../journal/types';
import type { ChatModel } from '../model/types';
import type { ModelCallPolicy } from '../reliability/types';
import type { RunLimits } from './types';

/** What every run of one agent shares: services bound once by `createAgent`. */
export interface AgentRuntime {
  name: string;
  machine: AnyStateMachine;
  /** Hash of the machine's definition, stored with every checkpoint. */
  machineVersion: string;
  models: ReadonlyMap<string, readonly ChatModel[]>;
  modelPolicy: ModelCallPolicy;
  checkpointer: Checkpointer;
  limits: RunLimits;
  clock: Clock;
  generateId: IdGenerator;
  events: RunEvents;
}
