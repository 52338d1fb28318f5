/**
 * A seeded pseudo-random source (mulberry32): the same seed gives the same sequence on every
 * machine, so a fault script and the policy's jitter repeat exactly from run to run.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** MurmurHash3's finaliser: every input bit flips about half the output bits. */
function mix(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * One draw in [0, 1) for a tuple of whole numbers, independent of the order draws are made
 * in: concurrent runs ask in whatever order the network delivers, the answer stays the same.
 */
export function drawFor(seed: number, ...keys: number[]): number {
  let hash = mix(seed);
  for (const key of keys) hash = mix(hash ^ mix((key + 0x9e3779b9) >>> 0));
  return hash / 4_294_967_296;
}
