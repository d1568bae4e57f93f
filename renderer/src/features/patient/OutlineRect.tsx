/** An unfilled rectangle drawn over the video in the region editors: solid when set, dashed while being drawn. */
export function OutlineRect({
  r,
  color,
  stroke,
  dashed = false,
  testId,
}: {
  r: { x: number; y: number; width: number; height: number };
  color: string;
  stroke: number;
  dashed?: boolean;
  testId?: string;
}) {
  return (
    <rect
      x={r.x}
      y={r.y}
      width={r.width}
      height={r.height}
      fill="none"
      stroke={color}
      strokeWidth={stroke}
      {...(dashed ? { strokeDasharray: '6 4' } : {})}
      data-testid={testId}
    />
  );
}
