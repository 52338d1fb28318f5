import { createHash, type Hash, hash } from 'node:crypto';
import type { ChatMessage, ChatRequest, ToolDefinition } from '../model/types';
import { startsWithMessages } from './starts-with-messages';

/** Each message's hash, computed once: a tool loop sends the same message objects again and again. */
const messageHashes = new WeakMap<ChatMessage, string>();

/** Each list of tool definitions as JSON, made once: a tool loop offers the same list on every call. */
const toolsJson = new WeakMap<readonly ToolDefinition[], string>();

/**
 * Other fields of a request as JSON, made once per frozen value: a structured call sends the
 * same frozen response format, made once with its schema, with every call. A value that is
 * not frozen is serialised on every call, as it may have been changed in place since.
 */
const frozenFieldsJson = new WeakMap<object, string>();

/**
 * Below this many characters of hashed text (about 90 messages), a request is hashed in one
 * shot from its text; past it, from a hash state carried from call to call. Node's one-shot
 * `hash()` costs about half of a hash object's create, copy and digest, but it reads the whole
 * text every time: only a long conversation gains from the state.
 */
const oneShotCharacters = 4_096;

/**
 * Where a conversation's request hash stands after one call: the rest of the request as JSON,
 * the messages it held, and the text hashed so far (a short conversation) or the hash state
 * after it (a long one). The next call of the same conversation — the same rest, the same
 * messages first — continues from it instead of hashing its whole history again. Opaque.
 */
export interface RequestHashChain {
  readonly rest: string;
  readonly messages: readonly ChatMessage[];
  readonly text?: string;
  readonly state?: Hash;
}

/** What {@link chainRequestHash} returns: the request's hash, and the chain its next call continues. */
export interface ChainedRequestHash {
  requestHash: string;
  chain: RequestHashChain;
}

/**
 * A short hash of what is sent: per-message hashes (memoised) chained with the rest of the
 * request.
 */
export function hashRequest(request: ChatRequest): string {
  return chainRequestHash(request).requestHash;
}

/**
 * {@link hashRequest}, continued from the conversation's previous call where `previous` is
 * where it stood: when the rest of the request is the same and it starts with the same message
 * objects, only the messages added since are hashed, so a growing conversation costs
 * O(new messages) per call, not O(history). The hash is the same either way: sha256 over the
 * rest's JSON followed by each message's hash, as one text.
 */
export function chainRequestHash(
  request: ChatRequest,
  previous?: RequestHashChain,
): ChainedRequestHash {
  const { messages } = request;
  const rest = restJson(request);
  const continues =
    previous !== undefined &&
    previous.rest === rest &&
    startsWithMessages(messages, previous.messages);
  let added = '';
  for (let index = continues ? previous.messages.length : 0; index < messages.length; index++) {
    added += messageHash(messages[index]!);
  }
  let state: Hash;
  if (continues && previous.state) {
    state = previous.state.copy();
    if (added) state.update(added);
  } else {
    const text = (continues ? previous.text! : rest) + added;
    if (text.length < oneShotCharacters) {
      return {
        requestHash: hash('sha256', text, 'hex').slice(0, 16),
        chain: { rest, messages, text },
      };
    }
    state = createHash('sha256').update(text);
  }
  const chain = { rest, messages, state: state.copy() };
  return { requestHash: state.digest('hex').slice(0, 16), chain };
}

function messageHash(message: ChatMessage): string {
  let found = messageHashes.get(message);
  if (found === undefined) {
    found = hash('sha256', JSON.stringify(message), 'base64');
    messageHashes.set(message, found);
  }
  return found;
}

/**
 * `JSON.stringify` of the request without its messages, written key by key so the tool
 * definitions — most of it, and the same list on every call of a loop — are serialised once.
 */
function restJson(request: ChatRequest): string {
  let json = '';
  for (const key of Object.keys(request)) {
    if (key === 'messages') continue;
    const value = (request as unknown as Record<string, unknown>)[key];
    let field: string;
    if (key === 'tools' && Array.isArray(value)) {
      let tools = toolsJson.get(value);
      if (tools === undefined) {
        tools = JSON.stringify(value);
        toolsJson.set(value, tools);
      }
      field = `"tools":${tools}`;
    } else {
      const kept = typeof value === 'object' && value !== null && Object.isFrozen(value);
      const known = kept ? frozenFieldsJson.get(value) : undefined;
      // The field as JSON.stringify writes it in an object (toJSON given its key; nothing
      // for undefined, functions and symbols), less the braces.
      field = known ?? JSON.stringify({ [key]: value }).slice(1, -1);
      if (kept && known === undefined) frozenFieldsJson.set(value, field);
      if (!field) continue;
    }
    json += json ? `,${field}` : field;
  }
  return `{${json}}`;
}
