import { describe, expect, it } from 'vitest';
import { defaultMaxThreads, type InspectedActor, ThreadSessions } from './thread-sessions';
import type { InspectionMessage } from './types';

const root = (sessionId: string): InspectedActor => ({ id: 'root', sessionId });
const effect = (sessionId: string, parent: InspectedActor): InspectedActor => ({
  id: 'ask',
  sessionId,
  _parent: parent,
});
const anonymousEvent = (sessionId: string) =>
  ({ type: '@xstate.event', sessionId, rootId: 'anonymous' }) as unknown as InspectionMessage;

describe('ThreadSessions', () => {
  it('forgets the sessions of a run a thread woke from, not only of its last one (issue 12)', () => {
    const sessions = new ThreadSessions();
    // The thread's first run: its root and an effect actor, then it rests waiting.
    sessions.bindThread('t', 'root-1');
    sessions.registerActor(effect('ask-1', root('root-1')), 'root-1');
    expect(sessions.complete(anonymousEvent('ask-1')).rootId).toBe('root-1');
    // It wakes under a new root actor, and ends.
    const earlier = sessions.bindThread('t', 'root-2');
    expect(earlier).toBe('root-1');
    if (earlier) sessions.forgetSession(earlier);
    sessions.registerActor(effect('ask-2', root('root-2')), 'root-2');
    expect(sessions.targetOf('t', 'ask')).toBe('ask-2');
    sessions.forgetThread('t');

    expect(sessions.complete(anonymousEvent('ask-1')).rootId).toBe('anonymous');
    expect(sessions.complete(anonymousEvent('ask-2')).rootId).toBe('anonymous');
  });

  it("links a child agent's root to the actor its parent runs it from, and no thread its run does not name a child", () => {
    const sessions = new ThreadSessions();
    sessions.bindThread('acme', 'root-a');
    sessions.registerActor({ ...effect('ask-a', root('root-a')), id: 'delegate' }, 'root-a');
    sessions.bindThread('acme/delegate#0', 'root-child', 'acme');
    const registered = (sessionId: string) =>
      ({ type: '@xstate.actor', sessionId, rootId: sessionId }) as unknown as InspectionMessage;
    const parentOf = (sessionId: string) =>
      (sessions.complete(registered(sessionId)) as { parentId?: string }).parentId;
    expect(parentOf('root-child')).toBe('ask-a');
    // Before: another thread whose id only began with "acme/" was drawn inside acme's tree.
    sessions.bindThread('acme/delegate#1', 'root-other');
    expect(parentOf('root-other')).toBeUndefined();
  });

  it('remembers at most maxThreads threads, forgetting the one bound longest ago first', () => {
    const sessions = new ThreadSessions({ maxThreads: 3 });
    for (const n of [1, 2, 3]) {
      sessions.bindThread(`t${n}`, `root-${n}`);
      sessions.registerActor(effect(`ask-${n}`, root(`root-${n}`)), `root-${n}`);
    }
    // t1 wakes under a new root: now the newest. Then a fourth thread starts.
    sessions.bindThread('t1', 'root-1b');
    sessions.bindThread('t4', 'root-4');
    expect(sessions.size).toBe(3);
    expect(sessions.targetOf('t2', undefined)).toBeUndefined();
    // Its actors go with it.
    expect(sessions.complete(anonymousEvent('ask-2')).rootId).toBe('anonymous');
    expect(sessions.targetOf('t1', undefined)).toBe('root-1b');
    expect(sessions.targetOf('t3', 'ask')).toBe('ask-3');
    expect(sessions.targetOf('t4', undefined)).toBe('root-4');
  });

  it('holds its default bound under threads that never end (runs left waiting)', () => {
    const sessions = new ThreadSessions();
    for (let n = 0; n < defaultMaxThreads + 500; n++) {
      sessions.bindThread(`waiting-${n}`, `root-${n}`);
      sessions.registerActor(effect(`ask-${n}`, root(`root-${n}`)), `root-${n}`);
    }
    expect(sessions.size).toBe(defaultMaxThreads);
    expect(sessions.targetOf('waiting-0', 'ask')).toBeUndefined();
    expect(sessions.complete(anonymousEvent('ask-0')).rootId).toBe('anonymous');
    expect(sessions.targetOf(`waiting-${defaultMaxThreads + 499}`, 'ask')).toBe(
      `ask-${defaultMaxThreads + 499}`,
    );
  });

  it('keeps one session per site of a long thread, not one per effect actor it ever ran', () => {
    const sessions = new ThreadSessions();
    sessions.bindThread('long', 'root-l');
    for (let n = 0; n < 1000; n++) {
      sessions.registerActor(effect(`ask-${n}`, root('root-l')), 'root-l');
    }
    // The root and the effect actor at its one site.
    expect(sessions.sessionCount).toBe(2);
    expect(sessions.targetOf('long', 'ask')).toBe('ask-999');
    expect(sessions.complete(anonymousEvent('ask-999')).rootId).toBe('root-l');
    expect(sessions.complete(anonymousEvent('ask-0')).rootId).toBe('anonymous');
  });

  it('bounds the systems that never bind to a thread (actors run outside an agent)', () => {
    const sessions = new ThreadSessions({ maxThreads: 3 });
    sessions.bindThread('t', 'root-t');
    sessions.registerActor(effect('ask-t', root('root-t')), 'root-t');
    for (let n = 0; n < 100; n++) {
      sessions.registerActor(root(`plain-${n}`), `plain-${n}`);
      sessions.registerActor(effect(`child-${n}`, root(`plain-${n}`)), `plain-${n}`);
    }
    // Three unbound systems of two actors each, and the bound thread's two.
    expect(sessions.sessionCount).toBe(8);
    expect(sessions.complete(anonymousEvent('child-0')).rootId).toBe('anonymous');
    expect(sessions.complete(anonymousEvent('child-99')).rootId).toBe('plain-99');
    // The bound thread is never forgotten for them.
    expect(sessions.targetOf('t', 'ask')).toBe('ask-t');
    expect(sessions.complete(anonymousEvent('ask-t')).rootId).toBe('root-t');
  });
});
