import type { AnyEventObject } from 'xstate';

/**
 * One message of the XState inspector protocol, as `@statelyai/inspect` sends it: an actor
 * registration (`@xstate.actor`), an event sent to an actor (`@xstate.event`) or an actor's
 * new snapshot (`@xstate.snapshot`). The harness's own facts are `@xstate.event` messages
 * whose `event.type` starts with `agentchart.`.
 */
export type InspectionMessage =
  | (InspectionMessageBase & {
      type: '@xstate.actor';
      name: string;
      snapshot: { status?: string; context?: unknown; value?: unknown; output?: unknown };
      definition: string | undefined;
      parentId: string | undefined;
    })
  | (InspectionMessageBase & {
      type: '@xstate.event';
      event: AnyEventObject;
      sourceId: string | undefined;
    })
  | (InspectionMessageBase & {
      type: '@xstate.snapshot';
      event: AnyEventObject;
      snapshot: unknown;
    });

/**
 * What every inspector message carries. The protocol's shapes are written out here rather
 * than imported, so this package's types do not pull in `@statelyai/inspect`'s, which assume
 * a browser (DOM) library.
 */
export interface InspectionMessageBase {
  rootId: string | undefined;
  sessionId: string;
  createdAt: string;
  id: string;
  _version: string;
}

/** Where inspection messages go: a WebSocket relay, a recording, your own callback. */
export interface InspectionSink {
  send(message: InspectionMessage): void;
  /** Sends what is still buffered and lets go of files and sockets. */
  close?(): Promise<void>;
}
