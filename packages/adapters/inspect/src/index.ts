/**
 * @module @agentchart/inspect
 * agentchart runs in the XState inspector: a bridge through `@statelyai/inspect`, a
 * loopback relay for its hosted UI, and JSON Lines recordings for offline viewing.
 */
export {
  type AgentInspector,
  type AgentInspectorOptions,
  createAgentInspector,
} from './create-agent-inspector';
export {
  type RecordInspectionOptions,
  readInspectionRecording,
  recordInspection,
} from './record-inspection';
export {
  type InspectorRelay,
  type InspectorRelayOptions,
  startInspectorRelay,
} from './start-inspector-relay';
export type { InspectionMessage, InspectionMessageBase, InspectionSink } from './types';
export { type WebSocketSinkOptions, webSocketSink } from './websocket-sink';
