/** Snapshot statuses of an actor that will send nothing more of its own. */
const endedStatuses = new Set(['done', 'error', 'stopped']);

/**
 * What the backlog reads of a message: its kind, the actor it concerns and that actor's
 * snapshot. An `InspectionMessage` is one; so is what the relay could read of a line, where
 * anything missing (a line that is no JSON) makes it a plain message of no actor.
 */
export interface BacklogMessage {
  type?: string;
  sessionId?: string;
  snapshot?: unknown;
}

interface Entry<TItem> {
  /** Order of arrival, to send registrations and messages as they came. */
  order: number;
  session: string | undefined;
  item: TItem;
}

/**
 * What waits for a client not yet connected (or too slow to take more): the last
 * `maxMessages` messages, and, aside from them, the registration (`@xstate.actor`) of each
 * actor the client still needs one for. The inspector shows nothing of an actor it was never
 * told of, so a burst (40 runs started at once) that pushed the registrations out of a plain
 * rolling buffer left every later message of those actors unreadable. A registration is kept
 * while its actor is live, and after it ends while a message of it is still kept; so besides
 * `maxMessages` the backlog holds at most one registration per live actor and one per
 * message kept, and never more than its registration bound.
 *
 * `TItem` is what is sent for a message (its JSON line): the backlog holds it as given. A
 * process's sink `drain()`s it once connected; the relay sends `items()` to each page that
 * connects and keeps them for the next.
 */
export class InspectionBacklog<TItem> {
  readonly #maxMessages: number;
  /** Registrations held, by session, in order of arrival. */
  readonly #registrations = new Map<string, Entry<TItem>>();
  /** Of the sessions whose registration is held, how many of their messages are kept. */
  readonly #kept = new Map<string, number>();
  /** Sessions whose registration is held and whose actor has ended. */
  readonly #ended = new Set<string>();
  /** Kept messages from `#head` on; the ones before it were sent or dropped. */
  #messages: Entry<TItem>[] = [];
  #head = 0;
  #order = 0;
  #dropped = 0;

  readonly #maxRegistrations: number;

  /**
   * Keeps the last `maxMessages` messages, and at most `maxRegistrations` registrations
   * (default `maxMessages`, at least 1,000): a registration line carries its machine's
   * definition, and a process whose inspector's relay is down may have thousands of actors
   * live. Past it, the oldest registration goes (counted as dropped).
   */
  constructor(maxMessages: number, maxRegistrations = Math.max(maxMessages, 1_000)) {
    this.#maxMessages = maxMessages;
    this.#maxRegistrations = maxRegistrations;
  }

  /** Messages and registrations dropped to keep within bounds, since the backlog was made. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Registrations and messages held now. */
  get size(): number {
    return this.#registrations.size + this.#messages.length - this.#head;
  }

  /** Holds `item` for `message`; returns true when an older message was dropped for it. */
  push(message: BacklogMessage, item: TItem): boolean {
    const session = typeof message.sessionId === 'string' ? message.sessionId : undefined;
    const entry = { order: this.#order++, session, item };
    if (message.type === '@xstate.actor' && session !== undefined) {
      const held = this.#registrations.get(session);
      if (held) {
        // Registered again: the new one takes the old one's place, still before every kept
        // message of the actor, and those messages still count.
        held.item = item;
        this.#ended.delete(session);
        return false;
      }
      this.#registrations.set(session, entry);
      this.#kept.set(session, 0);
      if (this.#registrations.size <= this.#maxRegistrations) return false;
      this.#dropOldestRegistration();
      return true;
    }
    this.#messages.push(entry);
    const kept = session === undefined ? undefined : this.#kept.get(session);
    if (session !== undefined && kept !== undefined) {
      this.#kept.set(session, kept + 1);
      if (message.type === '@xstate.snapshot' && hasEnded(message.snapshot)) {
        this.#ended.add(session);
      }
    }
    if (this.#messages.length - this.#head <= this.#maxMessages) return false;
    this.#dropOldest();
    return true;
  }

  /** Everything held, in the order it came, registrations among the messages; then empty. */
  drain(): TItem[] {
    const items = this.items();
    this.#messages = [];
    this.#head = 0;
    this.#registrations.clear();
    this.#kept.clear();
    this.#ended.clear();
    return items;
  }

  /**
   * Everything held, in the order it came, registrations among the messages, and held still:
   * what the relay sends each page that connects.
   */
  items(): TItem[] {
    const messages = this.#messages.slice(this.#head);
    const registrations = [...this.#registrations.values()];
    const items: TItem[] = [];
    let next = 0;
    for (const message of messages) {
      while (
        next < registrations.length &&
        (registrations[next] as Entry<TItem>).order < message.order
      ) {
        items.push((registrations[next++] as Entry<TItem>).item);
      }
      items.push(message.item);
    }
    for (const registration of registrations.slice(next)) items.push(registration.item);
    return items;
  }

  #dropOldestRegistration(): void {
    const [oldest] = this.#registrations.keys();
    if (oldest === undefined) return;
    this.#registrations.delete(oldest);
    this.#kept.delete(oldest);
    this.#ended.delete(oldest);
    this.#dropped++;
  }

  #dropOldest(): void {
    const oldest = this.#messages[this.#head] as Entry<TItem>;
    this.#head++;
    this.#dropped++;
    // Compacted now and then, not on every drop: shifting a long array each time is quadratic.
    if (this.#head >= this.#maxMessages) {
      this.#messages = this.#messages.slice(this.#head);
      this.#head = 0;
    }
    if (oldest.session === undefined) return;
    const kept = this.#kept.get(oldest.session);
    if (kept === undefined) return;
    this.#kept.set(oldest.session, kept - 1);
    // An ended actor with nothing of it left needs no registration: nothing will refer to it.
    if (kept - 1 === 0 && this.#ended.has(oldest.session)) {
      this.#registrations.delete(oldest.session);
      this.#kept.delete(oldest.session);
      this.#ended.delete(oldest.session);
    }
  }
}

function hasEnded(snapshot: unknown): boolean {
  const status = (snapshot as { status?: unknown } | null)?.status;
  return typeof status === 'string' && endedStatuses.has(status);
}
