import { useTranslation } from 'react-i18next';
import { laneColor } from './draw.js';
import { LANE_H, RULER_H } from './geometry.js';
import { edit, inTurn, reviewActions, useReview } from './reviewStore.js';

/** One head per lane: colour, number key, name (click: current label), validated count, validate-all. */
export function LaneHeads() {
  const { t } = useTranslation('review');
  const lanes = useReview((s) => s.lanes);
  const byLane = useReview((s) => s.byLane);
  const currentLabel = useReview((s) => s.currentLabel);
  return (
    <div className="tl-heads" style={{ paddingTop: RULER_H }}>
      {lanes.map((l, i) => {
        const segs = byLane.get(l) ?? [];
        const done = segs.filter((s) => s.validated).length;
        return (
          <div
            key={l}
            className={`tl-head${l === currentLabel ? ' current' : ''}`}
            style={{ height: LANE_H }}
            data-testid="lane-head"
            data-label={l}
          >
            <span className="tl-swatch" style={{ background: laneColor(i) }} />
            <button type="button" className="tl-lane-name" onClick={() => reviewActions.setLabel(l)} title={l}>
              {i < 9 ? <kbd>{i + 1}</kbd> : null} {l}
            </button>
            <span className="muted num tl-lane-count">
              {done}/{segs.length}
            </span>
            <button
              type="button"
              className="tl-lane-validate"
              title={t('validateLane', { label: l })}
              aria-label={t('validateLane', { label: l })}
              disabled={!segs.length || done === segs.length}
              onClick={() => void inTurn(() => edit('segments.validateAll', { label: l }))}
              data-testid="lane-validate"
            >
              ✓
            </button>
          </div>
        );
      })}
    </div>
  );
}
