/** Readings that differ only by letters the recogniser confuses at small sizes (the second-reading check). */

/** Letter pairs the recogniser swaps at small sizes with full scores (the corpus's misses). */
const SWAPS: ReadonlyArray<readonly [string, string]> = [['t', 'ł']];

/**
 * Does some word of the second reading differ from the same word of the first only by `SWAPS` (same number of
 * words)? A real t elsewhere in the line turns into another letter or nothing without the t and must not hide
 * the word where the model's next choice was ł. Exported for tests.
 */
export function swappedWord(a: string, b: string): boolean {
  const x = a.split(' ');
  const y = b.split(' ');
  return x.length === y.length && x.some((w, i) => confusableSwapsOnly(w, y[i]!));
}

/**
 * Do two readings of a line differ only where one has a letter and the other its near twin from `SWAPS`
 * (same length, every other character equal)? Exported for tests.
 */
export function confusableSwapsOnly(a: string, b: string): boolean {
  const x = [...a];
  const y = [...b];
  if (x.length !== y.length) return false;
  let swaps = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === y[i]) continue;
    if (!SWAPS.some(([p, q]) => (x[i] === p && y[i] === q) || (x[i] === q && y[i] === p))) return false;
    swaps++;
  }
  return swaps > 0;
}
