import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TimedMask } from '../../../../core/api/types.js';
import { Button } from '../../components/ui.js';
import { client } from '../../state/client.js';
import { errorText } from '../../i18n/errors.js';
import { previewWarningText } from '../../i18n/preview-warning.js';
import { playerControls, usePlayer } from '../video/player.js';
import type { VideoPanelProps } from '../video/panel-types.js';

/**
 * A timeline lane of time-ranged masks (text seen inside the image for part of the video): one bar per mask.
 * The reviewer can add a mask at the playhead, select one to move its range to the playhead, change its
 * place and size, or remove it. Every change is saved at once (`anonymize.masks.set`).
 */
export function MaskLane({ video }: VideoPanelProps) {
  const { t } = useTranslation('anonymize', { keyPrefix: 'maskLane' });
  const [masks, setMasks] = useState<TimedMask[]>([]);
  const [scanned, setScanned] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The masks were saved, but previews could not be made again with them (withdrawn): said until the next save.
  const [previewProblem, setPreviewProblem] = useState<string | null>(null);
  const frame = usePlayer((s) => s.frame);
  const lastFrame = usePlayer((s) => s.lastFrame);
  const total = Math.max(1, lastFrame + 1);
  const W = video.displayWidth;
  const H = video.displayHeight;

  const load = useCallback(() => {
    client()
      .call('anonymize.masks', { video: video.id })
      .then((r) => {
        setMasks(r.masks);
        setScanned(r.scan?.scannedAt ?? null);
      })
      .catch((err) => setError(errorText(err)));
  }, [video.id]);

  useEffect(() => {
    load();
    return client().subscribe((e) => {
      if (e.type === 'data.changed' && e.videoId === video.id && e.topic === 'anonymize') load();
    });
  }, [video.id, load]);

  const save = async (next: TimedMask[]) => {
    try {
      const r = await client().call('anonymize.masks.set', { video: video.id, masks: next });
      setMasks(r.masks);
      setError(null);
      // Saved, but previews that could not be made again with the new masks were withdrawn: say so.
      setPreviewProblem(r.previewError ? previewWarningText(r.previewError) : null);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const add = () => {
    const width = Math.round(W / 4);
    const height = Math.round(H / 8);
    const len = Math.max(1, Math.round(total / 20));
    const m: TimedMask = {
      startFrame: frame,
      endFrame: Math.min(total, frame + len),
      rect: { x: Math.round((W - width) / 2), y: Math.round((H - height) / 2), width, height },
      source: 'manual',
    };
    void save([...masks, m]).then(() => setSelected(masks.length));
  };
  const sel = selected !== null ? masks[selected] : undefined;
  const update = (patch: Partial<TimedMask> & { rect?: TimedMask['rect'] }) => {
    if (selected === null || !sel) return;
    void save(masks.map((m, i) => (i === selected ? { ...m, ...patch } : m)));
  };
  const moveHere = () => {
    if (!sel) return;
    const len = sel.endFrame - sel.startFrame;
    const startFrame = Math.min(frame, total - len);
    update({ startFrame, endFrame: startFrame + len });
  };
  const remove = () => {
    if (selected === null) return;
    void save(masks.filter((_, i) => i !== selected));
    setSelected(null);
  };
  const num = (v: string, min: number, max: number) => Math.max(min, Math.min(max, Math.round(Number(v) || 0)));

  return (
    <section className="mask-lane" aria-label={t('title')} data-testid="mask-lane">
      <header className="mask-lane-head">
        <strong>{t('title')}</strong> <span className="muted">{scanned ? t('scanned', { count: masks.length }) : t('notScanned')}</span>{' '}
        <Button size="sm" onClick={add} data-testid="mask-add">
          {t('add')}
        </Button>
        {sel && (
          <>
            <Button size="sm" onClick={moveHere} data-testid="mask-move">
              {t('moveHere')}
            </Button>
            <Button size="sm" onClick={remove} data-testid="mask-remove">
              {t('remove')}
            </Button>
          </>
        )}
      </header>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {previewProblem && (
        <p className="mask-lane-warning" role="alert" data-testid="mask-preview-warning">
          {previewProblem}
        </p>
      )}
      <div className="mask-lane-track" style={{ position: 'relative', height: 18 }} data-testid="mask-track">
        {masks.map((m, i) => (
          <button
            key={i}
            type="button"
            className={`mask-bar mask-${m.source}${i === selected ? ' selected' : ''}`}
            title={t('bar', { from: m.startFrame, to: m.endFrame - 1, source: m.source })}
            style={{
              position: 'absolute',
              left: `${(100 * m.startFrame) / total}%`,
              width: `${Math.max(0.3, (100 * (m.endFrame - m.startFrame)) / total)}%`,
            }}
            onClick={() => {
              setSelected(i);
              playerControls.seekToFrame(m.startFrame);
            }}
            data-testid="mask-bar"
          />
        ))}
        <span className="mask-playhead" style={{ position: 'absolute', left: `${(100 * frame) / total}%` }} />
      </div>
      {sel && (
        <div className="mask-edit" data-testid="mask-edit">
          {(['x', 'y', 'width', 'height'] as const).map((k) => (
            <label key={k}>
              {k}{' '}
              <input
                type="number"
                value={sel.rect[k]}
                min={k === 'width' || k === 'height' ? 1 : 0}
                onChange={(e) =>
                  update({
                    rect: {
                      ...sel.rect,
                      [k]: num(e.target.value, k === 'width' || k === 'height' ? 1 : 0, k === 'x' || k === 'width' ? W : H),
                    },
                  })
                }
              />
            </label>
          ))}
          <label>
            {t('from')}{' '}
            <input
              type="number"
              value={sel.startFrame}
              min={0}
              onChange={(e) => update({ startFrame: num(e.target.value, 0, sel.endFrame - 1) })}
            />
          </label>
          <label>
            {t('to')}{' '}
            <input
              type="number"
              value={sel.endFrame}
              min={sel.startFrame + 1}
              onChange={(e) => update({ endFrame: num(e.target.value, sel.startFrame + 1, total) })}
            />
          </label>
        </div>
      )}
    </section>
  );
}
