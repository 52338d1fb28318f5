/**
 * Options given as `undefined`, as code compiled with `exactOptionalPropertyTypes: true`
 * writes them: checked by `scripts/typecheck-exact-optional.ts` under that setting.
 */
import { it } from 'vitest';
import { createAgentInspector, startInspectorRelay, webSocketSink } from './index';

it('takes undefined for the options of the inspector, its relay and its sink', async () => {
  createAgentInspector({
    url: process.env.AGENTCHART_INSPECT_URL,
    record: undefined,
    onMessage: undefined,
    captureContent: undefined,
    maxThreads: undefined,
    maxBuffered: undefined,
  });
  webSocketSink({
    url: undefined,
    maxBuffered: undefined,
    retryMs: undefined,
    maxUnsentBytes: undefined,
  });
  await startInspectorRelay({
    host: undefined,
    port: undefined,
    bufferSize: undefined,
    inspectorUrl: undefined,
    allowedOrigins: undefined,
    maxUnreadBytes: undefined,
    maxClients: undefined,
  });
});
