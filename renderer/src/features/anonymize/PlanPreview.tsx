import { useTranslation } from 'react-i18next';
import type { AnonymizationPlan, VideoDetail } from '../../../../core/api/types.js';
import { client } from '../../state/client.js';

/** The plan over a frame: the masked area dark, text boxes outlined, the region outlined. */
export function PlanPreview({ video, plan }: { video: VideoDetail; plan: AnonymizationPlan }) {
  const { t } = useTranslation('anonymize');
  const w = plan.input.width;
  const h = plan.input.height;
  const r = plan.masks.region;
  const thumb = video.thumbnailArtifactId !== null ? client().mediaUrl({ kind: 'artifact', id: video.thumbnailArtifactId }) : null;
  const octagon = (x: number, y: number, ww: number, hh: number, c: number) =>
    `${x + c},${y} ${x + ww - c},${y} ${x + ww},${y + c} ${x + ww},${y + hh - c} ${x + ww - c},${y + hh} ${x + c},${y + hh} ${x},${y + hh - c} ${x},${y + c}`;
  return (
    <svg viewBox={`0 0 ${w} ${h}`} className="anon-preview" role="img" aria-label={t('previewLabel')} data-testid="anon-preview">
      {thumb && <image href={thumb} x={0} y={0} width={w} height={h} preserveAspectRatio="none" />}
      <defs>
        <mask id="anon-keep">
          <rect x={0} y={0} width={w} height={h} fill="white" />
          {r && r.shape === 'rectangle' && <rect x={r.x} y={r.y} width={r.width} height={r.height} fill="black" />}
          {r && r.shape === 'circle' && (
            <ellipse cx={r.x + r.width / 2} cy={r.y + r.height / 2} rx={r.width / 2} ry={r.height / 2} fill="black" />
          )}
          {r && r.shape === 'octagon' && (
            <polygon points={octagon(r.x, r.y, r.width, r.height, (r.cornerCut ?? 0.2) * Math.min(r.width, r.height))} fill="black" />
          )}
        </mask>
      </defs>
      {r && <rect x={0} y={0} width={w} height={h} fill="black" fillOpacity={0.85} mask="url(#anon-keep)" />}
      {plan.masks.boxes.map((b, i) => (
        <rect
          key={i}
          x={b.x}
          y={b.y}
          width={b.width}
          height={b.height}
          fill="black"
          fillOpacity={0.85}
          className="anon-box"
          strokeWidth={Math.max(1, w / 400)}
        />
      ))}
      {(plan.masks.timed ?? []).map((m, i) => (
        <rect
          key={`t${i}`}
          x={m.rect.x}
          y={m.rect.y}
          width={m.rect.width}
          height={m.rect.height}
          fill="none"
          className="anon-timed-box"
          strokeDasharray="6 4"
          strokeWidth={Math.max(1, w / 400)}
          data-testid="anon-timed-mask"
        >
          <title>{t('timedTitle', { from: m.startFrame, to: m.endFrame - 1 })}</title>
        </rect>
      ))}
      {plan.crop && (
        <rect
          x={plan.crop.x}
          y={plan.crop.y}
          width={plan.crop.width}
          height={plan.crop.height}
          fill="none"
          className="anon-crop"
          strokeDasharray="8 6"
          strokeWidth={Math.max(1, w / 300)}
        />
      )}
    </svg>
  );
}

/** The removed (red) and blacked (grey) segments on the video's timeline. */
export function SegmentsBar({ plan }: { plan: AnonymizationPlan }) {
  const { t } = useTranslation('anonymize');
  const n = plan.input.frameCount;
  return (
    <div className="anon-timeline" data-testid="anon-timeline" aria-label={t('timelineLabel')}>
      {plan.removed.map((s, i) => (
        <span
          key={`r${i}`}
          className="anon-seg anon-seg-removed"
          style={{ left: `${(100 * s.startFrame) / n}%`, width: `${(100 * (s.endFrame - s.startFrame)) / n}%` }}
          title={`${s.label} ${s.startFrame}–${s.endFrame - 1}`}
        />
      ))}
      {(plan.masks.timed ?? []).map((m, i) => (
        <span
          key={`t${i}`}
          className="anon-seg anon-seg-timed"
          style={{ left: `${(100 * m.startFrame) / n}%`, width: `${Math.max(0.3, (100 * (m.endFrame - m.startFrame)) / n)}%` }}
          title={t('timedTitle', { from: m.startFrame, to: m.endFrame - 1 })}
        />
      ))}
      {plan.blacked.map((s, i) => (
        <span
          key={`b${i}`}
          className="anon-seg anon-seg-blacked"
          style={{ left: `${(100 * s.startFrame) / n}%`, width: `${(100 * (s.endFrame - s.startFrame)) / n}%` }}
          title={`${s.label} ${s.startFrame}–${s.endFrame - 1}`}
        />
      ))}
    </div>
  );
}
