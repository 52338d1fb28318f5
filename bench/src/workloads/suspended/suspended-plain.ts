import { finishPayment, preparePayment } from './approval-steps';
import { approval, checkApproved, type SuspendedVariant } from './suspended-variant';

/** The floor: an async function that prepares, awaits a promise whose resolver sits in a Map, finishes. */
export function plainSuspended(): SuspendedVariant {
  const waiting = new Map<string, (reply: { approved: boolean }) => void>();
  const finished = new Map<string, unknown>();
  const run = async (id: string) => {
    const payment = await preparePayment(id);
    const reply = await new Promise<{ approved: boolean }>((resolve) => waiting.set(id, resolve));
    waiting.delete(id);
    finished.set(id, await finishPayment(payment, reply));
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    async suspend(ids) {
      for (const id of ids) void run(id);
      await settle();
      for (const id of ids) if (!waiting.has(id)) throw new Error(`plain: ${id} is not waiting`);
    },
    async replyAndCheck(ids) {
      for (const id of ids) waiting.get(id)?.({ ...approval });
      await settle();
      for (const id of ids) checkApproved('plain', id, finished.get(id));
    },
    storedBytes: async () => 0,
    close: () => undefined,
  };
}
