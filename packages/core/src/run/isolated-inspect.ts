import type { InspectionEvent } from 'xstate';
import { describeThrown } from '../errors/describe-thrown';
import type { Inspect } from './state-enter-events';

/**
 * `inspect` with its exceptions caught: XState calls the inspection observer inside the
 * actor's own step (and in `createActor`), so an inspector that threw — a bridge whose socket
 * broke, a callback with a bug — failed the run, or rejected `agent.run()` before it began.
 * An inspector only watches: `report` is told of its error and the run goes on.
 */
export function isolatedInspect(
  inspect: Inspect | undefined,
  report: (error: unknown) => void,
): Inspect | undefined {
  if (!inspect) return undefined;
  const forward =
    typeof inspect === 'function' ? inspect : (event: InspectionEvent) => inspect.next?.(event);
  return (event) => {
    try {
      forward(event);
    } catch (error) {
      try {
        report(error);
      } catch {
        // A reporter that throws (a warning hook) must not reach the run either.
      }
    }
  };
}

/** The warning an inspector's first error gives (per agent: a broken one fails at every event). */
export function inspectFailedMessage(threadId: string, error: unknown): string {
  return `The agent's inspect observer threw while run "${threadId}" worked: ${describeThrown(error)}. The run went on without it seeing that event; fix the inspector (createAgent({ inspect })). Its later errors are not warned again.`;
}
