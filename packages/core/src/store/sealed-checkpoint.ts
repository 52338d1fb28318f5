import type { Checkpoint, PendingDelayedEvent, RunState } from './types';

/**
 * A checkpoint whose state — `snapshot`, `run` and `delayedEvents` — is made of sealed trees
 * (see `sealJson`) that share every unchanged node with the thread's previous sealed
 * checkpoint. A store may keep such a state by reference and take a delta against it by
 * identity (`CheckpointChain` does); any other checkpoint is serialised first. A run writes
 * only these.
 */
export class SealedCheckpoint implements Checkpoint {
  readonly threadId: string;
  readonly version: number;
  readonly machineVersion: string;
  readonly snapshot: unknown;
  readonly run: RunState;
  readonly delayedEvents: PendingDelayedEvent[];
  readonly createdAt: number;
  readonly owner?: string;
  readonly wakeAt?: number;

  constructor(checkpoint: Checkpoint & { delayedEvents: PendingDelayedEvent[] }) {
    this.threadId = checkpoint.threadId;
    this.version = checkpoint.version;
    this.machineVersion = checkpoint.machineVersion;
    this.snapshot = checkpoint.snapshot;
    this.run = checkpoint.run;
    this.delayedEvents = checkpoint.delayedEvents;
    this.createdAt = checkpoint.createdAt;
    if (checkpoint.owner !== undefined) this.owner = checkpoint.owner;
    if (checkpoint.wakeAt !== undefined) this.wakeAt = checkpoint.wakeAt;
  }
}
