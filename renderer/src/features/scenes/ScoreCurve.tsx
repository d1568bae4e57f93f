/** The detector's per-frame score as a line, with the threshold, so one sees why a cut is or is not there. */
export function ScoreCurve({ scores, threshold, label }: { scores: Array<number | null>; threshold: number; label: string }) {
  const max = Math.max(threshold * 1.2, ...scores.map((s) => s ?? 0)) || 1;
  const w = 600;
  const h = 120;
  const x = (i: number) => (i / Math.max(1, scores.length - 1)) * w;
  const y = (v: number) => h - (v / max) * h;
  const d = scores
    .map((s, i) => (s === null ? '' : `${x(i).toFixed(1)},${y(s).toFixed(1)}`))
    .filter(Boolean)
    .join(' ');
  return (
    <svg className="score-curve" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label} data-testid="scene-score-curve">
      <polyline points={d} fill="none" stroke="currentColor" strokeWidth="1" />
      <line x1="0" x2={w} y1={y(threshold)} y2={y(threshold)} className="score-threshold" strokeDasharray="4 3" />
    </svg>
  );
}
