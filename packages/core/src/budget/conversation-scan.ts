import type { ChatMessage } from '../model/types';
import type { TokenCounter } from './token-counter';

/**
 * A request's messages as the planner sees them when nothing has to be trimmed — turns
 * grouped as {@link groupTurns} groups them, each with its tokens, and the sums per section
 * {@link contextFromRequest} gives them — made so the next call of the same conversation
 * scans only what it adds. Internal to the runtime; treat it as opaque.
 */
export interface ConversationScan {
  readonly counter: TokenCounter;
  /** The messages scanned, and each one's content when it was counted. */
  readonly messages: readonly ChatMessage[];
  readonly contents: readonly string[];
  /** Per turn: where it starts in `messages`, its first message's role, its tokens. */
  readonly starts: readonly number[];
  readonly roles: readonly ChatMessage['role'][];
  readonly tokens: readonly number[];
  /** Tokens of the turns that start with a system message, and of all the others. */
  readonly systemTokens: number;
  readonly otherTokens: number;
  /** The last turn that starts with a user message: the request's input; -1 for none. */
  readonly inputTurn: number;
  /** True when a message is a system message (only a turn's first message can be). */
  readonly hasSystemMessage: boolean;
}

/**
 * Scans `messages`, continuing from `previous` — the same conversation's scan at its previous
 * call — when the same counter counted it and `messages` starts with the very message objects
 * it scanned, their contents unchanged: then only the last turn it saw (a tool call may have
 * gained results) and the messages added since are read, not the whole history.
 */
export function scanConversation(
  messages: readonly ChatMessage[],
  counter: TokenCounter,
  previous?: ConversationScan,
): ConversationScan {
  const scan: MutableScan = {
    counter,
    messages,
    contents: [],
    starts: [],
    roles: [],
    tokens: [],
    systemTokens: 0,
    otherTokens: 0,
    inputTurn: -1,
    hasSystemMessage: false,
    continuable: true,
  };
  let from = 0;
  let continuing = false;
  if (
    previous &&
    previous.counter === counter &&
    (previous as MutableScan).continuable === true &&
    continues(messages, previous)
  ) {
    // Its lists are taken over, not copied: a scan is continued once (a second continuation
    // of the same scan — not something a conversation does — scans from the start).
    (previous as MutableScan).continuable = false;
    continuing = true;
    const kept = previous.starts.length - 1;
    if (kept >= 0) {
      // Its last turn is scanned again: it leaves the sums.
      from = previous.starts[kept]!;
      const last = previous.tokens[kept]!;
      const lastIsSystem = previous.roles[kept] === 'system';
      scan.contents = shortened(previous.contents, from);
      scan.starts = shortened(previous.starts, kept);
      scan.roles = shortened(previous.roles, kept);
      scan.tokens = shortened(previous.tokens, kept);
      scan.systemTokens = previous.systemTokens - (lastIsSystem ? last : 0);
      scan.otherTokens = previous.otherTokens - (lastIsSystem ? 0 : last);
      scan.inputTurn = previous.inputTurn === kept ? lastUserTurn(scan.roles) : previous.inputTurn;
      // The last turn, scanned again, starts with the same message: it cannot remove one.
      scan.hasSystemMessage = previous.hasSystemMessage;
    }
  }
  for (let index = from; index < messages.length; index++) {
    const message = messages[index]!;
    let tokens = counter.countMessage(message);
    scan.contents.push(message.content);
    const turn = scan.starts.length;
    scan.starts.push(index);
    scan.roles.push(message.role);
    if (message.role === 'assistant' && message.toolCalls?.length) {
      // The tool results that answer it join its turn (see groupTurns).
      const { toolCalls } = message;
      while (index + 1 < messages.length) {
        const next = messages[index + 1]!;
        if (next.role !== 'tool' || !toolCalls.some((call) => call.id === next.toolCallId)) break;
        tokens += counter.countMessage(next);
        scan.contents.push(next.content);
        index++;
      }
    }
    scan.tokens.push(tokens);
    if (message.role === 'system') {
      scan.systemTokens += tokens;
      scan.hasSystemMessage = true;
    } else {
      scan.otherTokens += tokens;
    }
    if (message.role === 'user') scan.inputTurn = turn;
  }
  if (!continuing) {
    // A scan made from the start is kept for the run's next call: at their lengths, its lists
    // hold a few words, where lists grown by pushes keep room for sixteen more items each.
    // (A continued scan's lists grow on, the cost of a push spread over the calls.)
    scan.contents = scan.contents.slice();
    scan.starts = scan.starts.slice();
    scan.roles = scan.roles.slice();
    scan.tokens = scan.tokens.slice();
  }
  return scan;
}

/** The fields of a scan while it is made. */
interface MutableScan {
  counter: TokenCounter;
  messages: readonly ChatMessage[];
  contents: string[];
  starts: number[];
  roles: ChatMessage['role'][];
  tokens: number[];
  systemTokens: number;
  otherTokens: number;
  inputTurn: number;
  hasSystemMessage: boolean;
  /**
   * False once a later scan has continued this one: its lists belong to that scan now. A flag
   * on the scan rather than a WeakSet of continued scans: a tool loop continues a scan at
   * every model call, and each insertion into a weak set is an ephemeron the collector must
   * trace. A scan made elsewhere (without the flag) is scanned again, never continued.
   */
  continuable: boolean;
}

/** `list` itself, cut to its first `length` items. */
function shortened<T>(list: readonly T[], length: number): T[] {
  const taken = list as T[];
  taken.length = length;
  return taken;
}

/** True when `messages` starts with every message `previous` scanned, each as it was counted. */
function continues(messages: readonly ChatMessage[], previous: ConversationScan): boolean {
  const scanned = previous.messages;
  if (scanned.length > messages.length) return false;
  for (let index = 0; index < scanned.length; index++) {
    const message = messages[index]!;
    if (message !== scanned[index] || message.content !== previous.contents[index]) return false;
  }
  return true;
}

function lastUserTurn(roles: readonly ChatMessage['role'][]): number {
  for (let turn = roles.length - 1; turn >= 0; turn--) if (roles[turn] === 'user') return turn;
  return -1;
}
