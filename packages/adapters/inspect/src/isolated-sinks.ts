import { describeThrown } from '@agentchart/core/internal';
import type { InspectionMessage, InspectionSink } from './types';

/**
 * Sends `message` to every sink, each on its own: the bridge sends from timers
 * (`@statelyai/inspect` converts events on a zero timeout), where a sink or an `onMessage`
 * that threw was an uncaught exception — it crashed the process, and the sinks after it got
 * nothing. A sink's first error is a process warning (`AGENTCHART_INSPECT_SINK_FAILED`); a
 * broken sink fails at every message, so its later errors are not warned again.
 */
export function sendToEach(
  sinks: readonly InspectionSink[],
  message: InspectionMessage,
  warned: WeakSet<InspectionSink>,
): void {
  for (const sink of sinks) {
    try {
      sink.send(message);
    } catch (error) {
      if (warned.has(sink)) continue;
      warned.add(sink);
      process.emitWarning(
        `An inspection sink (a record sink or onMessage of createAgentInspector) threw: ${describeThrown(error)}. The runs and the other sinks went on; this sink misses the messages it threw on. Its later errors are not warned again.`,
        { code: 'AGENTCHART_INSPECT_SINK_FAILED' },
      );
    }
  }
}
