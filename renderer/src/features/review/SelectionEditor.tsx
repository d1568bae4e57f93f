import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TimelineSegment } from '../../../../core/api/types.js';
import { Button } from '../../components/ui.js';
import { formatTimecode } from '../../lib/format.js';
import { frameToSec, type Fps } from './geometry.js';
import { setSelectedRange } from './actions.js';
import { selectedSegments, useReview } from './reviewStore.js';

/**
 * The selected segment's range as first and last frame (inclusive, so "300–374" never looks like it overlaps
 * a segment starting at 375) with the start times of those frames; both frames can be typed and applied.
 */
export function SelectionEditor({ fps }: { fps: Fps }) {
  const { t } = useTranslation('review');
  useReview((s) => s.selected);
  useReview((s) => s.version);
  const sel = selectedSegments();
  // Always one row high, so selecting a segment never moves the lanes under the pointer.
  if (sel.length !== 1) {
    return (
      <p className="tl-selection muted" data-testid="tl-selection">
        {sel.length > 1 ? t('selected', { count: sel.length }) : t('selectionNone')}
      </p>
    );
  }
  const s = sel[0]!;
  return <RangeForm key={`${s.id}:${s.startFrame}:${s.endFrame}`} seg={s} fps={fps} />;
}

function RangeForm({ seg, fps }: { seg: TimelineSegment; fps: Fps }) {
  const { t } = useTranslation('review');
  const [first, setFirst] = useState(String(seg.startFrame));
  const [last, setLast] = useState(String(seg.endFrame - 1));
  const f = Number(first);
  const l = Number(last);
  const valid = first !== '' && last !== '' && Number.isInteger(f) && Number.isInteger(l) && l >= f && f >= 0;
  const changed = f !== seg.startFrame || l !== seg.endFrame - 1;
  return (
    <form
      className="tl-selection"
      aria-label={t('selection')}
      data-testid="tl-selection"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) void setSelectedRange(f, l);
      }}
    >
      <strong className="tl-selection-label">{seg.label}</strong>
      <label>
        <span className="readout-label">{t('startFrame')}</span>
        <input
          className="input input-sm num"
          inputMode="numeric"
          value={first}
          onChange={(e) => setFirst(e.target.value.replace(/[^\d]/g, ''))}
          data-testid="sel-first"
        />
      </label>
      <span className="muted num" data-testid="sel-start-time" title={t('startTime')}>
        {valid ? formatTimecode(frameToSec(f, fps)) : '–'}
      </span>
      <label>
        <span className="readout-label">{t('lastFrame')}</span>
        <input
          className="input input-sm num"
          inputMode="numeric"
          value={last}
          onChange={(e) => setLast(e.target.value.replace(/[^\d]/g, ''))}
          data-testid="sel-last"
        />
      </label>
      <span className="muted num" data-testid="sel-last-time" title={t('endTime')}>
        {valid ? formatTimecode(frameToSec(l, fps)) : '–'}
      </span>
      <Button size="sm" type="submit" disabled={!valid || !changed} data-testid="sel-apply">
        {t('applyRange')}
      </Button>
      {!valid && first !== '' && last !== '' && (
        <span className="error-text" role="alert">
          {t('invalidRange')}
        </span>
      )}
    </form>
  );
}
