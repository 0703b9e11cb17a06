/**
 * The random strategy's source of numbers, injected so a run can be repeated. The default is
 * Marsaglia's xorshift32 ("Xorshift RNGs", Journal of Statistical Software 8(14), 2003: shifts
 * 13, 17, 5) from a seed: not for secrets, plenty to spread calls over agents evenly.
 */
export type RandomSource = () => number;

export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}
