import type { InspectionMessage } from './types';

/** What an inspected actor ref is made of, beyond XState's public `ActorRefLike`. */
export interface InspectedActor {
  id: string;
  sessionId: string;
  _parent?: InspectedActor;
}

interface ThreadEntry {
  session: string;
  /** Effect and child-machine actors of the run's system, by site (see core's `siteOf`). */
  sites: Map<string, string>;
}

/** Threads remembered by default (see {@link ThreadSessionsOptions.maxThreads}). */
export const defaultMaxThreads = 10_000;

/** Options of {@link ThreadSessions}. */
export interface ThreadSessionsOptions {
  /**
   * Threads remembered at once. A thread is remembered from its run's start to its end, and a
   * thread resting `waiting` has not ended: without a bound, every thread waiting for a
   * person would be kept for good. Past it, the thread bound longest ago (started or woken)
   * is forgotten first; its later facts are no longer sent, until it wakes again. Also the
   * bound on actor systems inspected that never bind to a thread (actors run outside an
   * agent), the oldest forgotten first. Default 10 000.
   */
  maxThreads?: number;
}

/**
 * Ties the two streams together: a run's events name threads and effect sites, inspection
 * events name XState sessions. `run.start` carries the root actor's session id; each actor
 * registration gives a site (the chain of actor ids below the root, as core computes it). A
 * child agent's thread (`<parent>/<site>#<n>`) is linked to the parent's actor at that site.
 */
export class ThreadSessions {
  /** In the order they were bound, the one bound longest ago first. */
  readonly #threads = new Map<string, ThreadEntry>();
  readonly #rootSites = new Map<string, Map<string, string>>();
  readonly #rootOf = new Map<string, string>();
  readonly #parentOf = new Map<string, string>();
  /** Systems no thread is bound to (yet), the one registered longest ago first. */
  readonly #unbound = new Set<string>();
  readonly #maxThreads: number;

  constructor({ maxThreads = defaultMaxThreads }: ThreadSessionsOptions = {}) {
    this.#maxThreads = maxThreads;
  }

  /** Threads remembered now. */
  get size(): number {
    return this.#threads.size;
  }

  /** Actor sessions remembered now, bound to a thread or not. */
  get sessionCount(): number {
    return this.#rootOf.size;
  }

  /**
   * Remembers an actor's site within its run's system. An actor at a site replaces the one
   * there before (a tool loop's effect actors, one per call, all at one site): the earlier one
   * has stopped, and a thread of 10,000 calls must not keep 10,000 sessions. Systems that never
   * bind to a thread (actors run outside an agent) are kept up to `maxThreads`, the oldest
   * forgotten first, so inspecting them for days holds no more than that.
   */
  registerActor(actor: InspectedActor, rootId: string): void {
    this.#rootOf.set(actor.sessionId, rootId);
    let sites = this.#rootSites.get(rootId);
    if (!sites) {
      sites = new Map();
      this.#rootSites.set(rootId, sites);
      this.#unbound.add(rootId);
      this.#dropOldestUnbound();
    }
    if (!actor._parent) return;
    const site = siteOf(actor);
    const replaced = sites.get(site);
    if (replaced !== undefined && replaced !== actor.sessionId) this.#rootOf.delete(replaced);
    sites.set(site, actor.sessionId);
  }

  /** Forgets the systems registered longest ago that no thread is bound to, past `maxThreads`. */
  #dropOldestUnbound(): void {
    for (const session of this.#unbound) {
      if (this.#unbound.size <= this.#maxThreads) return;
      this.forgetSession(session);
    }
  }

  /**
   * Binds a thread to its root actor's session; links a child agent's root (`parentThreadId`
   * given) to the actor that runs it in its parent.
   * Returns the session the thread ran under before, when it rested and woke again in this
   * process: that root actor is gone, so forget it ({@link forgetSession}) once the facts
   * already on their way to it are out.
   */
  bindThread(threadId: string, session: string, parentThreadId?: string): string | undefined {
    const earlier = this.#threads.get(threadId)?.session;
    let sites = this.#rootSites.get(session);
    if (!sites) {
      sites = new Map();
      this.#rootSites.set(session, sites);
    }
    this.#rootOf.set(session, session);
    this.#unbound.delete(session);
    // Bound again, it is the newest: moved to the end of the map.
    this.#threads.delete(threadId);
    this.#threads.set(threadId, { session, sites });
    this.#dropOldest(threadId);
    // Only the parent its run names (`run.start`'s `parentThreadId`): a thread whose id merely
    // begins with another's and `/` — another tenant's, say — is not that thread's child.
    const parent = parentThreadId === undefined ? undefined : this.#threads.get(parentThreadId);
    if (parent && threadId.startsWith(`${parentThreadId}/`)) {
      const site = threadId.slice(parentThreadId!.length + 1).replace(/#\d+$/, '');
      const parentActor = parent.sites.get(site);
      if (parentActor) this.#parentOf.set(session, parentActor);
    }
    return earlier === session ? undefined : earlier;
  }

  /** Forgets the threads bound longest ago, past `maxThreads` (never `bound`, just bound). */
  #dropOldest(bound: string): void {
    for (const threadId of this.#threads.keys()) {
      if (this.#threads.size <= this.#maxThreads) return;
      if (threadId !== bound) this.forgetThread(threadId);
    }
  }

  /** The session a fact of `threadId` at `site` is about: the effect's actor, else the run's. */
  targetOf(threadId: string, site: string | undefined): string | undefined {
    const thread = this.#threads.get(threadId);
    if (!thread) return undefined;
    return (site === undefined ? undefined : thread.sites.get(site)) ?? thread.session;
  }

  /** Forgets an ended thread's sessions. */
  forgetThread(threadId: string): void {
    const thread = this.#threads.get(threadId);
    if (!thread) return;
    this.#threads.delete(threadId);
    this.forgetSession(thread.session);
  }

  /** Forgets a run's root session and the actors registered under it. */
  forgetSession(session: string): void {
    for (const actor of this.#rootSites.get(session)?.values() ?? []) this.#rootOf.delete(actor);
    this.#rootSites.delete(session);
    this.#unbound.delete(session);
    this.#parentOf.delete(session);
    this.#rootOf.delete(session);
  }

  /**
   * Completes a message on its way out: a child agent's root actor gets its parent, and an
   * event sent through the inspector API (which says `rootId: "anonymous"`) its real root.
   */
  complete(message: InspectionMessage): InspectionMessage {
    if (message.type === '@xstate.actor' && message.parentId === undefined) {
      const parentId = this.#parentOf.get(message.sessionId);
      if (parentId) return { ...message, parentId };
    }
    if (message.rootId === 'anonymous') {
      const rootId = this.#rootOf.get(message.sessionId);
      if (rootId) return { ...message, rootId };
    }
    return message;
  }
}

/** The chain of actor ids from below the root down to `actor`, joined by `/`. */
function siteOf(actor: InspectedActor): string {
  const ids: string[] = [];
  let current: InspectedActor | undefined = actor;
  while (current?._parent) {
    ids.push(current.id);
    current = current._parent;
  }
  return ids.reverse().join('/');
}
