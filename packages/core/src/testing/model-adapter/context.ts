import type { ChatModel, ChatRequest, ChatResponse } from '../../model/types';
import type { ProviderFeature, ProviderReply } from './provider-reply';

/** Options of one `generate` call a case makes. */
export interface CaseGenerateOptions {
  /** A request of the case's own, instead of the suite's. */
  request?: ChatRequest | undefined;
  signal?: AbortSignal | undefined;
  onToken?: ((delta: string) => void) | undefined;
}

/** Calls the adapter's `generate` with the suite's request, bounded by the suite's wait. */
export type CaseGenerate = (options?: CaseGenerateOptions) => Promise<ChatResponse>;

/** What the adapter cases get from the suite. */
export interface AdapterCaseContext {
  /** Serves `reply` to the next request, then runs `body` with a model made for it. */
  withModel(
    reply: ProviderReply,
    body: (generate: CaseGenerate, model: ChatModel) => Promise<void>,
  ): Promise<void>;
  /** Whether the provider has `feature` (not listed in `without`). */
  has(feature: ProviderFeature): boolean;
  /** Requests the test server holds open, when the suite was told how to count them. */
  openRequests: (() => number) | undefined;
  /** The longest a case waits for the adapter or the server, in milliseconds. */
  waitMs: number;
}

/** Resolves once `check` holds, or with false after `waitMs`: a bounded poll, never a hang. */
export async function eventually(check: () => boolean, waitMs: number): Promise<boolean> {
  const until = Date.now() + waitMs;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

/** `promise`, or a rejection saying `what` did not settle within `waitMs`. */
export function bounded<T>(promise: Promise<T>, waitMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${waitMs} ms`)), waitMs);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
