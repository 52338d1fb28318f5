import { afterEach, describe, expect, it, vi } from 'vitest';
import { RunEvents } from './run-events';
import type { RunEvent } from './types';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('RunEvents', () => {
  it('refuses a listener for an event type nothing emits, naming the one meant', () => {
    const events = new RunEvents(() => 0);
    // `'llm.call.ended'` was listened to, and the listener never called.
    expect(() => events.on('llm.call.ended' as never, () => undefined)).toThrow(
      /events\.on: the string "llm\.call\.ended" is not an event type; did you mean 'llm\.call\.end'\?/,
    );
    expect(() => events.on('run.end', 42 as never)).toThrow(/the listener is the number 42/);
    expect(() => events.onAny(undefined as never)).toThrow(
      /events\.onAny: the listener is nothing/,
    );
    expect(() => events.on('llm.call.end', () => undefined)).not.toThrow();
  });

  it('warns of a throwing listener once per event type, not once per event of a burst', () => {
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const events = new RunEvents(() => 0);
    events.on('run.waiting', () => {
      throw new Error('a broken listener');
    });
    events.onAny(() => {
      throw new Error('another broken listener');
    });
    for (let thread = 0; thread < 1_000; thread++) {
      events.emit('run.waiting', `t${thread}`, { waitIds: [] });
      events.emit('agent.warning', `t${thread}`, { code: 'x', message: 'y' });
    }
    // Before: 3,000 warnings, each printed by Node — a burst of runs drowned in them.
    const messages = warned.mock.calls.map(([message]) => String(message));
    expect(messages).toHaveLength(3);
    expect(messages[0]).toContain('(of "run.waiting") threw while handling "run.waiting"');
    expect(messages[0]).toContain('not warned again');
    expect(messages.filter((message) => message.includes('(of "*")'))).toHaveLength(2);
  });

  it('still reports every error to listener.error listeners', () => {
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const events = new RunEvents(() => 0);
    const reported: RunEvent[] = [];
    events.on('listener.error', (event) => reported.push(event));
    events.on('run.waiting', () => {
      throw new Error('a broken listener');
    });
    for (let thread = 0; thread < 10; thread++) {
      events.emit('run.waiting', `t${thread}`, { waitIds: [] });
    }
    expect(reported).toHaveLength(10);
    expect(warned).not.toHaveBeenCalled();
  });

  it('warns again for a listener added again, and for a rejection of an async listener', async () => {
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const events = new RunEvents(() => 0);
    const stop = events.on('run.waiting', () => {
      throw new Error('first');
    });
    events.emit('run.waiting', 't', { waitIds: [] });
    stop();
    events.on('run.waiting', async () => {
      throw new Error('second');
    });
    events.emit('run.waiting', 't', { waitIds: [] });
    events.emit('run.waiting', 't', { waitIds: [] });
    await new Promise((resolve) => setImmediate(resolve));
    expect(warned.mock.calls.map(([message]) => String(message).match(/: (\w+)\./)?.[1])).toEqual([
      'first',
      'second',
    ]);
  });

  // Issue: a listener throwing Object.create(null) killed the process from String(error),
  // and an error whose `message` getter throws was lost without a listener.error.
  describe('with a listener that throws a value that cannot be printed', () => {
    const nullPrototype = () => Object.create(null);
    const unreadableMessage = () => {
      const error = new Error('hidden');
      Object.defineProperty(error, 'message', {
        get() {
          throw new Error('getter');
        },
      });
      return error;
    };

    it.each([
      ['a null-prototype object', nullPrototype],
      ['an error whose message getter throws', unreadableMessage],
    ])('reports %s to listener.error listeners', (_, thrown) => {
      const events = new RunEvents(() => 0);
      const reported: string[] = [];
      events.on('listener.error', (event) => reported.push(event.error.message));
      events.on('run.waiting', () => {
        throw thrown();
      });
      expect(() => events.emit('run.waiting', 't', { waitIds: [] })).not.toThrow();
      expect(reported).toEqual([expect.stringMatching(/cannot be (printed|read)/)]);
    });

    it('warns of it when nobody listens to listener.error, thrown or rejected', async () => {
      const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const events = new RunEvents(() => 0);
      events.on('run.waiting', () => {
        throw nullPrototype();
      });
      events.on('agent.warning', async () => {
        throw nullPrototype();
      });
      expect(() => events.emit('run.waiting', 't', { waitIds: [] })).not.toThrow();
      // Before, the rejection's report threw in turn: an unhandled rejection failed this test.
      events.emit('agent.warning', 't', { code: 'x', message: 'y' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(warned.mock.calls.map(([message]) => String(message))).toEqual([
        expect.stringContaining('"run.waiting" for thread "t": a value that cannot be printed.'),
        expect.stringContaining('"agent.warning" for thread "t": a value that cannot be printed.'),
      ]);
    });

    it('falls back to a warning when a listener.error listener throws one too', () => {
      const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const events = new RunEvents(() => 0);
      events.on('listener.error', () => {
        throw nullPrototype();
      });
      events.on('run.waiting', () => {
        throw nullPrototype();
      });
      expect(() => events.emit('run.waiting', 't', { waitIds: [] })).not.toThrow();
      expect(warned.mock.calls.map(([message]) => String(message))).toEqual([
        expect.stringContaining('while handling "listener.error" for thread "t": a value that'),
      ]);
    });
  });
});
