import { describe, expect, it, vi } from 'vitest';
import { RunningEffects } from './running-effects';

function effects() {
  const onMaybeIdle = vi.fn();
  return {
    running: new RunningEffects({ occurrences: {}, replaying: false, onMaybeIdle }),
    onMaybeIdle,
  };
}

describe('RunningEffects', () => {
  it('does not build the reason the run stops its effects with when nothing reads it', () => {
    const { running } = effects();
    const handle = running.begin('ask', {}, false);
    const listener = { handleEvent: vi.fn() };
    handle.addAbortListener(listener);
    const reason = vi.fn(() => new Error('evicted'));
    running.stop(reason);
    expect(listener.handleEvent).toHaveBeenCalledTimes(1);
    expect(handle.aborted).toBe(true);
    expect(reason).not.toHaveBeenCalled();
    // Read once, it is built once, and every reader gets the same error.
    const first = handle.abortReason;
    expect(handle.signal.reason).toBe(first);
    expect(reason).toHaveBeenCalledTimes(1);
  });

  it('aborts a signal made after the abort, with the same reason', () => {
    const { running } = effects();
    const self = {};
    const handle = running.begin('ask', self, true);
    running.actorStopped(self);
    expect(handle.signal.aborted).toBe(true);
    expect(handle.signal.reason).toBeInstanceOf(DOMException);
    expect((handle.signal.reason as DOMException).name).toBe('AbortError');
  });

  it('aborts a signal made before the abort and calls each listener once, signal first', () => {
    const { running } = effects();
    const handle = running.begin('loop', {}, true);
    const calls: string[] = [];
    handle.signal.addEventListener('abort', () => calls.push('signal'));
    const first = { handleEvent: () => calls.push('first') };
    const second = { handleEvent: () => calls.push('second') };
    const removed = { handleEvent: () => calls.push('removed') };
    handle.addAbortListener(first);
    handle.addAbortListener(removed);
    handle.addAbortListener(second);
    handle.removeAbortListener(removed);
    const error = new Error('ended');
    running.stop(() => error);
    running.stop(() => new Error('again'));
    expect(calls).toEqual(['signal', 'first', 'second']);
    expect(handle.signal.reason).toBe(error);
  });

  it('aborts an effect begun after the run stopped its effects, and tells the run it may rest once it settles', () => {
    const { running, onMaybeIdle } = effects();
    running.stop(() => new Error('ended'));
    const self = {};
    const handle = running.begin('late', self, true);
    expect(handle.aborted).toBe(true);
    handle.settle();
    expect(onMaybeIdle).toHaveBeenCalledTimes(1);
    expect(running.isBlocking(self)).toBeUndefined();
  });
});
