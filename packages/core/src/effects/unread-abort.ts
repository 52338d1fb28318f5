/**
 * What a wait that is its effect's whole body rejects with when the effect is aborted, in place
 * of the abort reason. That reason is an error built for the occasion (`run.evicted`, with its
 * stack trace): evicting a run that rests on a wait would build one only for it to be dropped,
 * since the wait's effect actor is stopped by then and XState ignores how a stopped promise
 * actor settles. The harness code between the wait and its effect actor passes it on unread
 * (an aborted step records nothing), and `createEffectLogic` swaps it for the real reason
 * should the actor still be active to take it.
 */
export const unreadAbort: unique symbol = Symbol('agentchart.unreadAbort');
