/** What step 1 prepares for a run: the payment to approve. */
export interface Payment {
  id: string;
  amount: number;
}

/** Step 1, the same in every variant: the payment run `id` asks approval for. */
export async function preparePayment(id: string): Promise<Payment> {
  return { id, amount: 100 + (id.length % 7) };
}

/** Step 3, the same in every variant: the run's result once the reply is in. */
export async function finishPayment(
  payment: Payment,
  reply: { approved: boolean },
): Promise<{ paymentId: string; approved: boolean }> {
  return { paymentId: payment.id, approved: reply.approved };
}
