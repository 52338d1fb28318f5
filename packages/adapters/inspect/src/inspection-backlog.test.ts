import { describe, expect, it } from 'vitest';
import { type BacklogMessage, InspectionBacklog } from './inspection-backlog';
import type { InspectionMessage } from './types';

const registration = (session: string) =>
  ({ type: '@xstate.actor', sessionId: session }) as InspectionMessage;
const event = (session: string) =>
  ({ type: '@xstate.event', sessionId: session, event: { type: 'tick' } }) as InspectionMessage;
const snapshot = (session: string, status: string) =>
  ({ type: '@xstate.snapshot', sessionId: session, snapshot: { status } }) as InspectionMessage;

/** Pushes each message with its own label as the item. */
function fill(backlog: InspectionBacklog<string>, messages: [BacklogMessage, string][]) {
  return messages.map(([message, label]) => backlog.push(message, label));
}

describe('InspectionBacklog', () => {
  it('keeps a live actor registration through a burst that pushes its messages out, in the order it came (the live view lost the registrations of 40 runs started at once)', () => {
    const backlog = new InspectionBacklog<string>(3);
    fill(backlog, [
      [registration('a'), 'register a'],
      [event('a'), 'a 1'],
      [registration('b'), 'register b'],
    ]);
    const dropped = fill(
      backlog,
      Array.from({ length: 10 }, (_, index): [InspectionMessage, string] => [
        event(index % 2 === 0 ? 'a' : 'b'),
        `${index % 2 === 0 ? 'a' : 'b'} ${index + 2}`,
      ]),
    );
    expect(dropped.filter(Boolean)).toHaveLength(8);
    expect(backlog.dropped).toBe(8);
    expect(backlog.drain()).toEqual(['register a', 'register b', 'b 9', 'a 10', 'b 11']);
    expect(backlog.size).toBe(0);
  });

  it('lets an ended actor registration go once none of its messages is kept, so ended actors do not pile up', () => {
    const backlog = new InspectionBacklog<string>(2);
    fill(backlog, [
      [registration('done'), 'register done'],
      [snapshot('done', 'done'), 'done ended'],
      [registration('live'), 'register live'],
      [event('live'), 'live 1'],
    ]);
    // The ended actor's last message is still kept: so is its registration.
    expect(backlog.size).toBe(4);
    fill(backlog, [[event('live'), 'live 2']]);
    expect(backlog.drain()).toEqual(['register live', 'live 1', 'live 2']);
  });

  it('holds at most maxMessages messages besides one registration per live actor, however many come', () => {
    const backlog = new InspectionBacklog<string>(50);
    for (let run = 0; run < 1_000; run++) {
      const session = `run-${run}`;
      fill(backlog, [
        [registration(session), `register ${session}`],
        [event(session), `${session} event`],
        [snapshot(session, run % 3 === 0 ? 'stopped' : 'error'), `${session} ended`],
      ]);
      expect(backlog.size).toBeLessThanOrEqual(50 * 2);
    }
    const items = backlog.drain();
    // Every kept message comes after its actor's registration.
    for (const [index, item] of items.entries()) {
      const session = item.split(' ')[0] as string;
      if (item.startsWith('register')) continue;
      expect(items.slice(0, index)).toContain(`register ${session}`);
    }
  });

  it('holds no more registrations than its bound, the oldest going first, counted as dropped (registration lines carry machine definitions)', () => {
    const backlog = new InspectionBacklog<string>(2, 3);
    const dropped = fill(
      backlog,
      Array.from({ length: 5 }, (_, index): [InspectionMessage, string] => [
        registration(`live-${index}`),
        `register live-${index}`,
      ]),
    );
    expect(dropped).toEqual([false, false, false, true, true]);
    expect(backlog.dropped).toBe(2);
    expect(backlog.items()).toEqual(['register live-2', 'register live-3', 'register live-4']);
    // By default the bound is maxMessages, and never below 1,000.
    const byDefault = new InspectionBacklog<string>(10);
    for (let index = 0; index < 1_001; index++) {
      byDefault.push(registration(`live-${index}`), `register live-${index}`);
    }
    expect(byDefault.size).toBe(1_000);
  });

  it('gives what it holds without letting go of it, for each page that connects to the relay', () => {
    const backlog = new InspectionBacklog<string>(2);
    fill(backlog, [
      [registration('a'), 'register a'],
      [event('a'), 'a 1'],
      [event('a'), 'a 2'],
      [event('a'), 'a 3'],
    ]);
    expect(backlog.items()).toEqual(['register a', 'a 2', 'a 3']);
    expect(backlog.items()).toEqual(['register a', 'a 2', 'a 3']);
    expect(backlog.size).toBe(3);
    fill(backlog, [[snapshot('a', 'done'), 'a ended']]);
    expect(backlog.items()).toEqual(['register a', 'a 3', 'a ended']);
  });

  it('sends an actor registered again once, before every kept message of it', () => {
    const backlog = new InspectionBacklog<string>(3);
    fill(backlog, [
      [registration('a'), 'register a'],
      [event('a'), 'a 1'],
      [registration('a'), 'register a again'],
      [event('a'), 'a 2'],
    ]);
    expect(backlog.items()).toEqual(['register a again', 'a 1', 'a 2']);
  });

  it('keeps a message of no actor (a line the relay could not read) as a plain message', () => {
    const backlog = new InspectionBacklog<string>(1);
    fill(backlog, [
      [registration('a'), 'register a'],
      [{}, 'not json'],
      [{ type: '@xstate.actor' }, 'registration of no actor'],
    ]);
    expect(backlog.items()).toEqual(['register a', 'registration of no actor']);
  });

  it('with room for no message keeps only the registrations of the actors still running (the relay with bufferSize 0)', () => {
    const backlog = new InspectionBacklog<string>(0);
    fill(backlog, [
      [registration('live'), 'register live'],
      [registration('ended'), 'register ended'],
      [event('live'), 'live 1'],
      [snapshot('ended', 'done'), 'ended'],
    ]);
    expect(backlog.items()).toEqual(['register live']);
  });
});
