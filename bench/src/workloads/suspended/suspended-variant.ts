/** The reply every waiting run gets. */
export const approval = { approved: true } as const;

/** One way of keeping runs waiting for a human, as the suspended workload drives it. */
export interface SuspendedVariant {
  /** Starts one run per id (prepare, then wait); resolves when every one is waiting (and checks it). */
  suspend(ids: readonly string[]): Promise<void>;
  /** Answers these runs with {@link approval} and checks each finished approved. */
  replyAndCheck(ids: readonly string[]): Promise<void>;
  /** Serialized bytes the store holds for these threads (0 when nothing is stored). */
  storedBytes(ids: readonly string[]): Promise<number>;
  close(): void;
}

/** Throws unless a finished run's output is the approval of its own payment. */
export function checkApproved(variant: string, id: string, output: unknown): void {
  const result = output as { approved?: unknown; paymentId?: unknown } | undefined;
  if (result?.approved !== true || result.paymentId !== id) {
    throw new Error(
      `${variant}: thread ${id} ended with ${JSON.stringify(output)}, expected its payment approved`,
    );
  }
}
