/**
 * Exact nearest-neighbour search by cosine similarity over one contiguous Float32Array of unit vectors
 * (row-major, `dim` per row). A scan with a small top-k list: 100,000 clips × 64 dims is a few milliseconds.
 */
export interface VectorSet {
  dim: number;
  /** Unit-length rows. */
  data: Float32Array;
  count: number;
}

export function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / n;
  return v;
}

export interface Neighbour {
  row: number;
  similarity: number;
}

/** The `top` rows most similar to `query` (unit length) with similarity ≥ `threshold`, allowed by `keep`. */
export function nearest(
  set: VectorSet,
  query: Float32Array,
  opts: { top: number; threshold?: number; keep?: (row: number) => boolean },
): Neighbour[] {
  const { dim, data } = set;
  if (query.length !== dim) throw new Error(`query has ${query.length} dimensions, the set ${dim}`);
  const threshold = opts.threshold ?? -Infinity;
  const best: Neighbour[] = [];
  let floor = threshold;
  for (let r = 0; r < set.count; r++) {
    let dot = 0;
    const base = r * dim;
    for (let i = 0; i < dim; i++) dot += data[base + i]! * query[i]!;
    if (dot < floor || (best.length >= opts.top && dot <= best[best.length - 1]!.similarity)) continue;
    if (opts.keep && !opts.keep(r)) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]!.similarity < dot) at--;
    best.splice(at, 0, { row: r, similarity: dot });
    if (best.length > opts.top) best.pop();
    if (best.length >= opts.top) floor = Math.max(threshold, best[best.length - 1]!.similarity);
  }
  return best;
}
