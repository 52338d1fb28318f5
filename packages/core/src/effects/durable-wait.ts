import { canonicalJson } from '../cache/canonical-json';
import { RunError } from '../errors/run-error';
import { measureJson } from '../ledger/cap-journal-value';
import { maxSentValueDepth, nestsDeeperThan } from '../ledger/json-depth';
import type { JournalEntry } from '../ledger/types';
import { replyTargetOf } from '../run/child-thread-id';
import type { HumanWaitRegistration } from '../run/human-waits';
import { lateReplyError } from '../run/run-errors';
import type { PendingApproval } from '../run/types';
import type { EffectScope } from './effect-scope';
import { unreadAbort } from './unread-abort';

/** What an open wait is, as its {@link WaitReplies} are told. */
export interface OpenedWait {
  /** The wait's journal key. */
  readonly waitId: string;
  /** What the person is asked. */
  readonly prompt: string;
}

/**
 * How a wait takes its replies. Given the wait it serves, so one object can serve every wait
 * of a kind (every run's `humanWait` of one chart): a run resting on a wait keeps no closures
 * of its own for it.
 */
export interface WaitReplies<TReply> {
  /**
   * Turns a reply into what the wait returns, or throws a `human.invalid_reply` RunError:
   * the reply is refused and the wait stays open.
   */
  accept(value: unknown, wait: OpenedWait): TReply;
  /** The error a wait past its deadline fails with. */
  timeoutError(deadline: number, wait: OpenedWait): RunError;
  /** Called when the wait opens for real (not when its reply is replayed from the journal). */
  onOpen?(wait: OpenedWait): void;
  /** Called once a live reply was accepted, before the wait resolves. */
  onReply?(reply: TReply, wait: OpenedWait): void;
  /**
   * The JSON Schema replies are checked against, as the journal records it when a wait
   * opens: a refusal says so when a wait opened before a deploy recorded another.
   */
  readonly replySchema?: unknown;
}

/** Options of {@link durableWait}. */
export interface DurableWaitOptions<TReply> {
  /** The wait's journal key; also its `waitId`. */
  key: string;
  /** What the person is asked. */
  prompt: string;
  /** The journal entry's name (`human`, `approval`). */
  name: string;
  /** What the journal records as the wait's input. Default: the prompt. */
  input?: unknown;
  /** Facts the journal keeps beside the deadline (an approval's arguments hash). */
  meta?: Record<string, unknown>;
  /** Set when the wait asks to approve a tool call: listed with the pending wait. */
  approval?: PendingApproval;
  /** After this long without a reply the wait fails with {@link WaitReplies.timeoutError}. */
  timeoutMs?: number | undefined;
  /** How the wait takes its replies. */
  replies: WaitReplies<TReply>;
}

/**
 * A wait for a person that survives restarts: registered with the run (so the run lists it,
 * rests as `waiting` and routes a reply to it), journaled under `key` (so a reply given
 * before a crash is replayed, never asked again, and nothing but a reply completes it), with
 * a deadline fixed when it was first opened (a resume never extends it). While it waits the
 * effect is idle: the run may rest. What `humanWait` and approvals are built on.
 */
export function durableWait<TReply>(
  scope: EffectScope,
  options: DurableWaitOptions<TReply>,
): Promise<{ value: TReply; replayed: boolean }> {
  // Not an async function (nor the step below): a run waiting days for a person keeps only
  // the closures of this wait, not suspended frames.
  try {
    return openWait(scope, options, false);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * {@link durableWait} resolving with the reply alone, for a wait that is its effect's whole
 * body (its promise is what the effect body returns): one promise fewer for a waiting run to
 * keep than `durableWait(…).then(…)`. Aborted, it rejects with {@link unreadAbort}, which the
 * effect logic turns into the abort reason if its actor is still there to take it.
 */
export function durableWaitForReply<TReply>(
  scope: EffectScope,
  options: DurableWaitOptions<TReply>,
): Promise<TReply> {
  try {
    return openWait(scope, options, true);
  } catch (error) {
    return Promise.reject(error);
  }
}

function openWait<TReply>(
  scope: EffectScope,
  options: DurableWaitOptions<TReply>,
  replyOnly: false,
): Promise<{ value: TReply; replayed: boolean }>;
function openWait<TReply>(
  scope: EffectScope,
  options: DurableWaitOptions<TReply>,
  replyOnly: true,
): Promise<TReply>;
function openWait<TReply>(
  scope: EffectScope,
  options: DurableWaitOptions<TReply>,
  replyOnly: boolean,
): Promise<TReply | { value: TReply; replayed: boolean }> {
  const { key, prompt } = options;
  const wait = new OpenWait(scope, options, replyOnly);
  return scope
    .journaled(
      key,
      {
        kind: 'human',
        effect: 'pure',
        name: options.name,
        input: options.input ?? prompt,
        ...(wait.deadline === undefined && options.meta === undefined
          ? {}
          : {
              meta: {
                ...options.meta,
                ...(wait.deadline === undefined ? {} : { deadline: wait.deadline }),
              },
            }),
      },
      (recorded) => wait.open(recorded),
    )
    .then(
      (result) => {
        wait.remove();
        return replyOnly ? result.value : result;
      },
      (error: unknown) => {
        wait.remove();
        throw error;
      },
    );
}

/**
 * One open wait: its registration with the run (what the run lists and routes a reply to),
 * its deadline timer and its abort listener (`handleEvent`). One object with methods rather
 * than a promise and a closure for each part: a run waiting days for a person holds it.
 */
class OpenWait<TReply> implements HumanWaitRegistration, OpenedWait {
  readonly waitId: string;
  readonly prompt: string;
  deadline?: number;
  approval?: PendingApproval;
  readonly #scope: EffectScope;
  readonly #replies: WaitReplies<TReply>;
  /** Aborted, reject with {@link unreadAbort} (see {@link durableWaitForReply}). */
  readonly #abortUnread: boolean;
  /** A reply accepted before the wait began waiting (while its intent was being written). */
  #early: { reply: TReply } | undefined;
  /** Set while the wait waits: how it ends. */
  #resolve: ((reply: TReply) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #timer: unknown;

  constructor(scope: EffectScope, options: DurableWaitOptions<TReply>, abortUnread: boolean) {
    this.#scope = scope;
    this.#replies = options.replies;
    this.#abortUnread = abortUnread;
    this.waitId = options.key;
    this.prompt = options.prompt;
    const recorded = scope.run.recordedWait(options.key);
    // A restarted wait keeps the deadline it was first given: a resume never extends it.
    const deadline =
      recorded?.deadline ??
      (options.timeoutMs === undefined ? undefined : scope.run.clock.now() + options.timeoutMs);
    if (deadline !== undefined) this.deadline = deadline;
    if (options.approval !== undefined) this.approval = options.approval;
    // One answered before the restart replays its reply: the run must not rest meanwhile.
    if (recorded && recorded.status !== 'started') scope.setIdle(false);
    // Registered before any await, so the run lists the wait the moment it comes to rest.
    // Removed with `removeWait`: the function `addWait` returns is not kept.
    scope.run.addWait(this);
  }

  /**
   * A reply: accepted (the wait resolves with it) or refused by throwing. One that comes
   * after the deadline is refused and the wait times out: its deadline passed first, even
   * if no process was running then to see it (the answer came days later, after a restart).
   */
  accept(value: unknown): void {
    if (this.#expired()) {
      const { deadline } = this as { deadline: number };
      const code = this.#timeOut(deadline);
      throw lateReplyError({ waitId: this.waitId, deadline, code, prompt: this.prompt });
    }
    const reply = this.#acceptReply(value);
    this.#checkSize(reply);
    // Working again from this moment: a rest check already queued must not see it idle.
    this.#scope.setIdle(false);
    this.remove();
    this.#scope.run.runtime.events.emit('human.reply', this.#scope.threadId, {
      waitId: this.waitId,
    });
    this.#replies.onReply?.(reply, this);
    if (this.#resolve) this.#finish()?.resolve(reply);
    else this.#early = { reply };
  }

  /**
   * The reply as the wait's {@link WaitReplies} takes it. A refusal of a wait opened before a
   * deploy changed its reply schema says so: the person answered the form of the day the wait
   * opened, and the message alone would name fields that form never had.
   */
  #acceptReply(value: unknown): TReply {
    try {
      return this.#replies.accept(value, this);
    } catch (error) {
      const opened = this.#scope.run.recordedWait(this.waitId)?.replySchema;
      const current = this.#replies.replySchema;
      if (
        !RunError.isInstance(error) ||
        error.code !== 'human.invalid_reply' ||
        opened === undefined ||
        current === undefined ||
        canonicalJson(opened) === canonicalJson(current)
      ) {
        throw error;
      }
      throw new RunError('human.invalid_reply', {
        message: `${error.message} Its reply schema changed since this wait was opened (a deploy since then): the reply was checked against the current one, which \`agentchart waits\` shows; whoever answers from the earlier form must answer again.`,
        issues: error.issues,
        details: { ...error.details, replySchemaChanged: true },
      });
    }
  }

  /**
   * Refuses a reply too large for the journal row that keeps it: it would be stored whole in
   * the journal and in every checkpoint of the context after it, and would not come back
   * whole on resume. Whoever may send replies would otherwise choose how much the store holds.
   */
  #checkSize(reply: TReply): void {
    // Measured before its bytes: JSON.stringify overflows the stack on a few kilobytes of
    // `[[[[…`, and a reply a little less deep passed, then failed the run as it was stored,
    // leaving the thread `running`. No form a person answers nests this deep.
    if (nestsDeeperThan(reply, maxSentValueDepth)) {
      throw new RunError('human.invalid_reply', {
        message: `The reply to "${this.prompt}" (wait "${this.waitId}") nests arrays or objects more than ${maxSentValueDepth} levels deep, more than a checkpoint keeps; it was refused and the wait stays open. Send a flatter reply, or bound the reply schema.`,
        details: { waitId: this.waitId, maxDepth: maxSentValueDepth },
      });
    }
    const maxBytes = this.#scope.run.maxJournalValueBytes;
    // Measured as the journal will store it; a short string needs no measuring.
    if (typeof reply === 'string' && reply.length * 3 + 2 <= maxBytes) return;
    const { bytes } = measureJson(reply);
    if (bytes <= maxBytes) return;
    throw new RunError('human.invalid_reply', {
      message: `The reply to "${this.prompt}" (wait "${this.waitId}") is ${bytes} bytes as JSON, more than the ${maxBytes} a journal row keeps (createAgent's maxJournalValueBytes); it was refused and the wait stays open. Reply with a reference to the data (a file, a URL, a row id), limit the reply schema's sizes (z.string().max()), or raise maxJournalValueBytes.`,
      details: { waitId: this.waitId, bytes, maxBytes },
    });
  }

  /** Leaves the run's list of pending waits. */
  remove(): void {
    this.#scope.run.removeWait(this);
  }

  /**
   * The journaled step: opens the wait and resolves with the reply. `recorded` is the wait's
   * journal record from before a restart, if any. Not an async function: the wait's promise
   * is the one its step returns, not one more that follows it.
   */
  open(recorded: JournalEntry | undefined): Promise<TReply> {
    const scope = this.#scope;
    // After a restart the journal keeps the first deadline: a resume never extends a wait.
    const first = (recorded?.meta?.deadline as number | undefined) ?? this.deadline;
    if (first !== undefined) this.deadline = first;
    // Announced once, when the wait opens: a run restored to take its reply (or after a
    // restart) reopens a wait that was announced already, and must not ask twice.
    if (recorded === undefined) {
      const replyTo = replyTargetOf(scope.threadId, this.waitId);
      scope.run.runtime.events.emit('human.wait', scope.threadId, {
        site: scope.site,
        waitId: this.waitId,
        prompt: this.prompt,
        ...(first === undefined ? {} : { deadline: first }),
        ...(replyTo ? { replyTo } : {}),
      });
      this.#replies.onOpen?.(this);
    }
    // Past its deadline already (it fell due while no process ran): it times out now, rather
    // than resting `waiting` on a timer a reply could still overtake.
    const expired = !this.#early && this.#expired();
    if (!this.#early && !expired) scope.setIdle(true);
    return new Promise<TReply>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      if (scope.aborted) return this.handleEvent();
      if (this.#early) return this.#finish()?.resolve(this.#early.reply);
      if (expired) {
        this.#timeOut(first as number);
        return;
      }
      // The effect's abort reaches the wait without an AbortSignal made for it.
      scope.addAbortListener(this);
      if (first !== undefined) {
        const { clock } = scope.run;
        this.#timer = clock.setTimeout(
          () => this.#timeOut(first),
          Math.max(0, first - clock.now()),
        );
      }
    });
  }

  /**
   * Fails the wait with its timeout error, and tells the run: a reply that comes later is
   * told it came after the deadline, not that the run was never waiting.
   */
  #timeOut(deadline: number): RunError['code'] {
    const error = this.#replies.timeoutError(deadline, this);
    const finished = this.#finish();
    if (finished) {
      const { waitId, prompt } = this;
      this.#scope.run.waitTimedOut({ waitId, deadline, code: error.code, prompt });
      finished.reject(error);
    }
    return error.code;
  }

  /** True once the wait's deadline has passed on the run's clock. */
  #expired(): boolean {
    return this.deadline !== undefined && this.#scope.run.clock.now() >= this.deadline;
  }

  /** The effect was aborted (this is its abort listener). */
  handleEvent(): void {
    this.#finish()?.reject(this.#abortUnread ? unreadAbort : this.#scope.abortReason);
  }

  /** Ends the wait once: its timer and listener go, and it is working again. */
  #finish(): { resolve: (reply: TReply) => void; reject: (error: unknown) => void } | undefined {
    const resolve = this.#resolve;
    const reject = this.#reject;
    if (!resolve || !reject) return undefined;
    this.#resolve = undefined;
    this.#reject = undefined;
    const scope = this.#scope;
    if (this.#timer !== undefined) scope.run.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    scope.removeAbortListener(this);
    scope.setIdle(false);
    return { resolve, reject };
  }
}
