import type { Checkpoint } from '../store/types';
import { effectKeyOfStep } from './child-thread-id';

interface PersistedActor {
  snapshot?: { children?: Record<string, PersistedActor | undefined> };
}

/**
 * False when a thread's checkpoint shows that the effect a journal step belongs to no longer
 * runs: its state was left (a `PAUSE` out of a human wait, an `after` timer, a region that
 * finished), so the step stays `started` in the journal for ever (ADR 0064) though nothing
 * will answer it. True when the checkpoint shows it running, or cannot tell: a checkpoint
 * older than the step (one written before the effect began) is no evidence against it.
 *
 * A step's key is `<site>#<occurrence>/<step>`, its site the actor ids from the root to the
 * effect's actor (`kid/0.child.calling` inside a child machine); the checkpoint counts the
 * effects each site has started, and holds the actors that still run in its snapshot.
 */
export function effectStillRuns(
  checkpoint: Pick<Checkpoint, 'snapshot' | 'run'>,
  stepKey: string,
): boolean {
  const effectKey = effectKeyOfStep(stepKey);
  const hash = effectKey.lastIndexOf('#');
  const occurrence = Number(effectKey.slice(hash + 1));
  if (hash < 0 || !Number.isInteger(occurrence)) return true;
  const site = effectKey.slice(0, hash);
  const started = checkpoint.run.occurrences[site] ?? 0;
  // The checkpoint was written before this effect started: it cannot tell.
  if (started <= occurrence) return true;
  // A later effect started at the same site: this one's state was left and entered again.
  if (started > occurrence + 1) return false;
  return holdsActor(checkpoint.snapshot as PersistedActor['snapshot'], site);
}

/** True when the persisted snapshot holds a live actor at `site` (ids joined by `/`). */
function holdsActor(snapshot: PersistedActor['snapshot'], site: string): boolean {
  for (const [id, child] of Object.entries(snapshot?.children ?? {})) {
    if (child === undefined) continue;
    if (site === id) return true;
    // An id may itself hold a `/`: match it as a whole prefix, not segment by segment.
    if (site.startsWith(`${id}/`) && holdsActor(child.snapshot, site.slice(id.length + 1))) {
      return true;
    }
  }
  return false;
}
