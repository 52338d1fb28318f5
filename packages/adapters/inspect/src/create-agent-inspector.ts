import { type Agent, DefinitionError } from '@agentchart/core';
import { checkOptionNames, describeValue } from '@agentchart/core/internal';
import { createInspector } from '@statelyai/inspect';
import type { InspectionEvent, Observer } from 'xstate';
import { checkCount, checkFlag, checkFunction, checkWebSocketUrl } from './check-inspect-options';
import { harnessFact } from './harness-facts';
import { sendToEach } from './isolated-sinks';
import { defaultMaxThreads, type InspectedActor, ThreadSessions } from './thread-sessions';
import type { InspectionMessage, InspectionSink } from './types';
import { webSocketSink } from './websocket-sink';

/** Options of {@link createAgentInspector}. */
export interface AgentInspectorOptions {
  /**
   * The relay's WebSocket URL (`startInspectorRelay`, or `@statelyai/inspect`'s
   * `createInspectorServer`); `false` sends nothing over the network (record only).
   * Default `ws://127.0.0.1:8080`.
   */
  url?: string | false | undefined;
  /** Also record the stream, e.g. `recordInspection({ file: 'run.inspect.jsonl' })`. */
  record?: InspectionSink | readonly InspectionSink[] | undefined;
  /**
   * Receives every message as it is sent. One that throws breaks no run and no other sink:
   * its first error is a process warning (`AGENTCHART_INSPECT_SINK_FAILED`), as a record
   * sink's is.
   */
  onMessage?: ((message: InspectionMessage) => void) | undefined;
  /**
   * Include content in the harness's facts: run input, prompts, model requests and
   * responses, tool arguments and results, errors' details (a tool's invalid output). The
   * machines' own context and events always go to the inspector, redacted by the agent as
   * its stored values and events are. Default false.
   */
  captureContent?: boolean | undefined;
  /**
   * Threads whose sessions the bridge remembers at once, to send their facts to the right
   * actor (about 1 KB each, for a thread with one effect actor). A thread resting `waiting` is remembered until its run ends;
   * past this many, the thread started or woken longest ago is forgotten first, and its
   * facts are no longer sent until it wakes again. The same bound holds for actor systems
   * inspected that never bind to a thread (actors run outside an agent). Default 10 000.
   */
  maxThreads?: number | undefined;
  /**
   * Messages kept for the relay while it is not yet connected (a burst of runs started before
   * the connection opened), gone, or reading slowly; past this many the oldest go first, and a
   * process warning (`AGENTCHART_INSPECT_DROPPED`) says so once. Each live actor's
   * registration is kept besides them (at most this many, and no fewer than 1,000), so the
   * live view can still show every actor that sends later. Recordings and `onMessage` get every message regardless. Only with a `url`.
   * Default 1000.
   */
  maxBuffered?: number | undefined;
}

/** A bridge from agentchart runs to the XState inspector protocol. */
export interface AgentInspector {
  /** Pass to `createAgent({ inspect })`: every run's actors, events and snapshots. */
  readonly inspect: Observer<InspectionEvent>;
  /**
   * Adds the harness's facts — model calls with tokens, cost, latency and retries, tool
   * calls, waits, limits, each run's start and end — as `agentchart.*` events sent to the
   * effect actor (or run) they concern, and links child agents' runs to their parent's
   * actor. Returns a function that stops listening.
   */
  attach(agent: Pick<Agent, 'events'>): () => void;
  /** Sends what is pending, then closes the connection and the recordings. */
  stop(): Promise<void>;
}

const inspectorOptionNames = Object.keys({
  url: true,
  record: true,
  onMessage: true,
  captureContent: true,
  maxThreads: true,
  maxBuffered: true,
} satisfies Record<keyof AgentInspectorOptions, true>);

/**
 * Streams agentchart runs to the XState inspector protocol through `@statelyai/inspect`:
 * every run of the agent (child agents' runs and effect actors included) with the harness's
 * own facts, to a relay the Stately inspector page reads, and to recordings for offline
 * viewing.
 *
 * @example
 * ```ts
 * const relay = await startInspectorRelay(); // open relay.pageUrl in a browser
 * const inspector = createAgentInspector({ url: relay.url, record: recordInspection({ file: 'runs.inspect.jsonl' }) });
 * const agent = createAgent({ machine, models, inspect: inspector.inspect });
 * inspector.attach(agent);
 * await agent.run({ input });
 * await inspector.stop();
 * ```
 */
export function createAgentInspector(options: AgentInspectorOptions = {}): AgentInspector {
  // A misspelt `url: false` would open a socket; a misspelt `record` would record nothing.
  checkOptionNames('createAgentInspector', options, inspectorOptionNames);
  const {
    url = 'ws://127.0.0.1:8080',
    record = [],
    onMessage,
    captureContent = false,
    maxThreads = defaultMaxThreads,
    maxBuffered,
  } = options;
  if (!Number.isSafeInteger(maxThreads) || maxThreads < 1) {
    throw new DefinitionError(
      'definition.invalid_option',
      `createAgentInspector: maxThreads must be a whole number of at least 1, got ${String(maxThreads)}. It bounds the threads whose sessions the bridge remembers (default ${defaultMaxThreads}).`,
    );
  }
  const sinks: InspectionSink[] = [
    ...(Array.isArray(record) ? record : [record as InspectionSink]),
  ];
  // Each is called from a timer, where one that throws is an uncaught exception.
  for (const [index, sink] of sinks.entries()) {
    if (typeof (sink as Partial<InspectionSink> | null)?.send !== 'function') {
      throw new DefinitionError(
        'definition.invalid_option',
        `createAgentInspector: record${Array.isArray(record) ? `[${index}]` : ''} is ${describeValue(sink)}. Give a sink, an object with send(message), such as recordInspection({ file }) or webSocketSink({ url }).`,
      );
    }
  }
  checkFunction('createAgentInspector', 'onMessage', onMessage, 'of each message');
  checkFlag('createAgentInspector', 'captureContent', captureContent);
  if (url !== false) checkWebSocketUrl('createAgentInspector', 'url', url);
  checkCount('createAgentInspector', 'maxBuffered', maxBuffered, 1, 'messages kept for the relay');
  if (url === false && maxBuffered !== undefined) {
    // It would bound a queue that does not exist, and say nothing of the recordings.
    throw new DefinitionError(
      'definition.invalid_option',
      "createAgentInspector: maxBuffered bounds what waits for the relay, and url: false sends nothing to one. Leave maxBuffered out, or give the relay's url.",
    );
  }
  if (url !== false) sinks.push(webSocketSink({ url, maxBuffered }));
  if (onMessage) sinks.push({ send: onMessage });
  const sessions = new ThreadSessions({ maxThreads });
  const failedSinks = new WeakSet<InspectionSink>();
  const stately = createInspector({
    send(message) {
      sendToEach(sinks, sessions.complete(message), failedSinks);
    },
  });
  // A run's root actor registers before its run says which thread it is (run.start comes
  // just before the actor starts): its registration waits for that, so a child agent's root
  // can be sent with its parent.
  const pendingRoots = new Map<string, InspectionEvent>();
  const flushRoot = (session: string) => {
    const pending = pendingRoots.get(session);
    if (!pending) return;
    pendingRoots.delete(session);
    stately.inspect.next?.(pending);
  };

  const inspect: Observer<InspectionEvent> = {
    next(event) {
      const actor = event.actorRef as unknown as InspectedActor;
      if (event.type === '@xstate.actor') {
        if (!actor._parent) {
          pendingRoots.set(actor.sessionId, event);
          return;
        }
        sessions.registerActor(actor, event.rootId);
      }
      // A root nobody claimed (a machine run outside an agent) is sent before its first event.
      flushRoot(event.rootId);
      stately.inspect.next?.(event);
    },
  };

  /**
   * Sends a fact once the inspection events before it are out: `@statelyai/inspect` converts
   * those on a zero timeout, and timers of one delay fire in order.
   */
  const sendFact = (session: string, fact: { type: string }) => {
    setTimeout(() => stately.event(session, fact), 0);
  };

  return {
    inspect,
    attach(agent) {
      return agent.events.onAny((event) => {
        if (event.type === 'run.start') {
          const earlier = sessions.bindThread(
            event.threadId,
            event.sessionId,
            event.parentThreadId,
          );
          // A thread woken again runs under a new root: the old one's facts go out first.
          if (earlier !== undefined) setTimeout(() => sessions.forgetSession(earlier), 0);
          flushRoot(event.sessionId);
        }
        const fact = harnessFact(event, captureContent);
        if (fact) {
          const site = (event as { site?: string }).site;
          const session = sessions.targetOf(event.threadId, site);
          if (session) sendFact(session, fact);
        }
        // After the facts already scheduled: they still need the thread's sessions.
        if (event.type === 'run.end') {
          const { threadId } = event;
          setTimeout(() => sessions.forgetThread(threadId), 0);
        }
      });
    },
    async stop() {
      // Let the conversions and facts already scheduled go out first.
      await new Promise((resolve) => setTimeout(resolve, 0));
      for (const session of [...pendingRoots.keys()]) flushRoot(session);
      await new Promise((resolve) => setTimeout(resolve, 0));
      await Promise.all(sinks.map((sink) => sink.close?.()));
    },
  };
}
