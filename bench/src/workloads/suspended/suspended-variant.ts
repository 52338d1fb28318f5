/** The reply every waiting run gets. */
export const approval = { approved: true } as const;

/** One way of keeping runs waiting for a human, as the suspended workload drives it. */
export interface SuspendedVariant {
  /** Starts one run per id; resolves when every one is waiting (and checks that it is). */
  suspend(ids: readonly string[]): Promise<void>;
  /** Answers these runs with {@link approval} and checks each finished approved. */
  replyAndCheck(ids: readonly string[]): Promise<void>;
  /** Serialized bytes the store holds for these threads (0 when nothing is stored). */
  storedBytes(ids: readonly string[]): Promise<number>;
  close(): void;
}

/** Throws unless a finished run's output is the approval. */
export function checkApproved(variant: string, id: string, output: unknown): void {
  if ((output as { approved?: unknown } | undefined)?.approved !== true) {
    throw new Error(
      `${variant}: thread ${id} ended with ${JSON.stringify(output)}, expected approved`,
    );
  }
}
