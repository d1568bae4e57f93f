import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { OutlineRect } from './OutlineRect.js';
import { ShapeSelect, type EndoscopeShape } from './ShapeSelect.js';
import type { CommandOutput } from '../../../../core/api/commands.js';
import type { VideoDetail } from '../../../../core/api/types.js';
import { Modal } from '../../components/Modal.js';
import { Button } from '../../components/ui.js';
import { errorText } from '../../i18n/errors.js';
import { client } from '../../state/client.js';
import { usePlayer } from '../video/player.js';
import { useRectDraw, type Rect } from './rect-draw.js';

type Shape = EndoscopeShape;
/** The endoscope region's colour in the profile editor too. */
const ENDOSCOPE_COLOR = '#ef4444';
export type StoredRegion = CommandOutput<'endoscope.set'>;

/**
 * Correct the endoscope image region of this video (what the export keeps; everything outside it is masked) by
 * drawing its rectangle on the current frame and picking its shape. Saved with `endoscope.set`; the answer goes to
 * `onSaved` (with its `previewError` when previews could not be made again with the new region).
 */
export function EndoscopeEditor({
  video,
  current,
  onClose,
  onSaved,
}: {
  video: VideoDetail;
  current: { x: number; y: number; width: number; height: number; shape: Shape } | null;
  onClose: () => void;
  onSaved: (stored: StoredRegion) => void;
}) {
  const { t } = useTranslation('patient');
  const W = video.displayWidth;
  const H = video.displayHeight;
  const [rect, setRect] = useState<Rect | null>(current && { x: current.x, y: current.y, width: current.width, height: current.height });
  const [shape, setShape] = useState<Shape>(current?.shape ?? 'octagon');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const { svg, draft, handlers } = useRectDraw(W, H, setRect);
  const time = useMemo(() => usePlayer.getState().currentTime, []);
  const src = useMemo(() => `${client().mediaUrl({ kind: 'video', id: video.id })}#t=${time.toFixed(3)}`, [video.id, time]);

  const save = async () => {
    if (!rect) return;
    setSaving(true);
    try {
      onSaved(await client().call('endoscope.set', { video: video.id, region: { ...rect, shape } }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSaving(false);
    }
  };
  const stroke = Math.max(2, W / 480);
  return (
    <Modal title={t('endoscopeEditor.title')} onClose={onClose} closeLabel={t('close')} testId="endoscope-editor">
      <p className="muted">{t('endoscopeEditor.hint')}</p>
      <div className="profile-editor-form">
        <ShapeSelect value={shape} onChange={setShape} testId="endoscope-shape" />
      </div>
      <div className="profile-canvas" style={{ aspectRatio: `${W} / ${H}` }}>
        <video src={src} muted preload="auto" playsInline aria-hidden="true" />
        <svg ref={svg} viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" {...handlers} data-testid="endoscope-draw">
          {rect && <OutlineRect r={rect} color={ENDOSCOPE_COLOR} stroke={stroke} testId="endoscope-rect" />}
          {draft && <OutlineRect r={draft} color={ENDOSCOPE_COLOR} stroke={stroke} dashed />}
        </svg>
      </div>
      {error && (
        <p className="patient-error" role="alert">
          {error}
        </p>
      )}
      <div className="profile-editor-actions">
        <Button onClick={onClose}>{t('close')}</Button>
        <Button variant="primary" disabled={!rect || saving} onClick={() => void save()} data-testid="endoscope-save">
          {t('endoscopeEditor.save')}
        </Button>
      </div>
    </Modal>
  );
}
