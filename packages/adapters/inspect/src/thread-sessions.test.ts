import { describe, expect, it } from 'vitest';
import { type InspectedActor, ThreadSessions } from './thread-sessions';
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
});
