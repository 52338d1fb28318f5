import type { StatelyInspectionEvent } from '@statelyai/inspect';

/**
 * One message of the XState inspector protocol, as `@statelyai/inspect` sends it: an actor
 * registration (`@xstate.actor`), an event sent to an actor (`@xstate.event`) or an actor's
 * new snapshot (`@xstate.snapshot`). The harness's own facts are `@xstate.event` messages
 * whose `event.type` starts with `agentchart.`.
 */
export type InspectionMessage = StatelyInspectionEvent;

/** Where inspection messages go: a WebSocket relay, a recording, your own callback. */
export interface InspectionSink {
  send(message: InspectionMessage): void;
  /** Sends what is still buffered and lets go of files and sockets. */
  close?(): Promise<void>;
}
