/**
 * Letters the Latin recogniser confuses at small sizes with full confidence, and the comparison that tells a
 * swap of them apart from a real difference (the OCR pipeline reads a small line twice to find them).
 */

/** Letter pairs the recogniser swaps at small sizes with full scores (the corpus's misses). */
const SWAPS: ReadonlyArray<readonly [string, string]> = [['t', 'ł']];

/** What a real t becomes when the t is forbidden: a t with a mark (or nothing, see `swapBesideLostTs`). */
const T_KIN = new Set(['ț', 'ť', 'ţ']);

/**
 * Does some word of the second reading (read with the t forbidden) differ from the same word of the first by
 * at least one `SWAPS` pair (same number of words)? A real t turns into ț/ť or nothing without the t, in
 * another word or in the same one ("Stanistaw" → "Sanisław": the first t was real, the second an ł) and must
 * not hide the swap. Exported for tests.
 */
export function swappedWord(a: string, b: string): boolean {
  return swappedReading(a, b) !== null;
}

/**
 * The first reading with the swaps the second one shows applied, and nothing else changed (its real t's stay):
 * "Pietrzak, Stanistaw" and "Pierzak, Sanisław" give "Pietrzak, Stanisław". Null when no word has a swap.
 */
export function swappedReading(a: string, b: string): string | null {
  const x = a.split(' ');
  const y = b.split(' ');
  if (x.length !== y.length) return null;
  let any = false;
  const out = x.map((w, i) => {
    const r = swapBesideLostTs(w, y[i]!);
    if (r !== null) any = true;
    return r ?? w;
  });
  return any ? out.join(' ') : null;
}

/**
 * `a` with its `SWAPS` letters replaced where `b` shows the twin, when `b` can be made from `a` by keeping every
 * character except those swaps (at least one) and t's that became a t with a mark or vanished; null otherwise.
 * (Alignment over both words; they are a name's length.)
 */
function swapBesideLostTs(a: string, b: string): string | null {
  const x = [...a];
  const y = [...b];
  // best[i][j]: most swaps aligning x[0..i) with y[0..j) (-1: cannot be aligned); from[i][j]: the step that got there.
  const best = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(-1));
  const from = Array.from({ length: x.length + 1 }, () => new Array<'keep' | 'swap' | 'lost'>(y.length + 1).fill('keep'));
  best[0]![0] = 0;
  for (let i = 0; i <= x.length; i++) {
    for (let j = 0; j <= y.length; j++) {
      const here = best[i]![j]!;
      if (here < 0 || i === x.length) continue;
      const step = (nj: number, v: number, how: 'keep' | 'swap' | 'lost') => {
        if (v > best[i + 1]![nj]!) {
          best[i + 1]![nj] = v;
          from[i + 1]![nj] = how;
        }
      };
      if (x[i] === 't') step(j, here, 'lost');
      if (j === y.length) continue;
      if (x[i] === y[j] || (x[i] === 't' && T_KIN.has(y[j]!))) step(j + 1, here, 'keep');
      else if (SWAPS.some(([p, q]) => (x[i] === p && y[j] === q) || (x[i] === q && y[j] === p))) step(j + 1, here + 1, 'swap');
    }
  }
  if (best[x.length]![y.length]! <= 0) return null;
  const out = [...x];
  for (let i = x.length, j = y.length; i > 0; i--) {
    const how = from[i]![j]!;
    if (how === 'swap') out[i - 1] = y[j - 1]!;
    if (how !== 'lost') j--;
  }
  return out.join('');
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
