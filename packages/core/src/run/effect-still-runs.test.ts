import { describe, expect, it } from 'vitest';
import { effectStillRuns } from './effect-still-runs';

/** A checkpoint whose run has started `occurrences` and whose snapshot holds `children`. */
function checkpointOf(occurrences: Record<string, number>, children: Record<string, unknown>) {
  return {
    snapshot: { children },
    run: { occurrences } as never,
  };
}

describe('effectStillRuns', () => {
  it('is true for a step of the last effect at its site while the snapshot holds its actor', () => {
    const checkpoint = checkpointOf({ ask: 2 }, { ask: { snapshot: {} } });
    expect(effectStillRuns(checkpoint, 'ask#1/0:human')).toBe(true);
    // An earlier occurrence at the same site: its state was left and entered again.
    expect(effectStillRuns(checkpoint, 'ask#0/0:human')).toBe(false);
  });

  it('is false once the state was left: the snapshot no longer holds the actor', () => {
    expect(effectStillRuns(checkpointOf({ ask: 1 }, {}), 'ask#0/0:human')).toBe(false);
  });

  it('finds the actor of an effect inside a child machine, and ids holding a "/"', () => {
    const inChild = checkpointOf(
      { 'kid/0.child.asking': 1, 'a/b/ask': 1 },
      {
        kid: { snapshot: { children: { '0.child.asking': { snapshot: {} } } } },
        'a/b': { snapshot: { children: { ask: { snapshot: {} } } } },
      },
    );
    expect(effectStillRuns(inChild, 'kid/0.child.asking#0/0:human')).toBe(true);
    expect(effectStillRuns(inChild, 'a/b/ask#0/0:human')).toBe(true);
    expect(
      effectStillRuns(
        checkpointOf({ 'kid/0.child.asking': 1 }, { kid: { snapshot: {} } }),
        'kid/0.child.asking#0/0:human',
      ),
    ).toBe(false);
  });

  it('cannot tell from a checkpoint written before the effect started, and says it runs', () => {
    expect(effectStillRuns(checkpointOf({}, {}), 'ask#0/0:human')).toBe(true);
    expect(effectStillRuns(checkpointOf({ ask: 1 }, {}), 'ask#1/0:human')).toBe(true);
  });
});
