import { approval, checkApproved, type SuspendedVariant } from './suspended-variant';

/** The floor: an async function awaiting a promise whose resolver sits in a Map. */
export function plainSuspended(): SuspendedVariant {
  const waiting = new Map<string, (reply: { approved: boolean }) => void>();
  const finished = new Map<string, { approved: boolean }>();
  const run = async (id: string) => {
    const reply = await new Promise<{ approved: boolean }>((resolve) => waiting.set(id, resolve));
    waiting.delete(id);
    finished.set(id, reply);
  };
  return {
    async suspend(ids) {
      for (const id of ids) void run(id);
      for (const id of ids) if (!waiting.has(id)) throw new Error(`plain: ${id} is not waiting`);
    },
    async replyAndCheck(ids) {
      for (const id of ids) waiting.get(id)?.({ ...approval });
      await new Promise((resolve) => setImmediate(resolve));
      for (const id of ids) checkApproved('plain', id, finished.get(id));
    },
    storedBytes: async () => 0,
    close: () => undefined,
  };
}
