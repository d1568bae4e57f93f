import { useEffect, useLayoutEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { VideoDetail } from '../../../../core/api/types.js';
import type { StoredCue } from '../../../../core/api/types.js';
import { IconButton, Button } from '../../components/ui.js';
import type { Fps } from '../../lib/frames.js';
import { client } from '../../state/client.js';
import { playerControls, usePlayer } from '../video/player.js';
import { BurnDialog } from './BurnDialog.js';
import { TrackTools } from './TrackTools.js';
import { CueBlock, type DragPart } from './CueBlock.js';
import { EmbeddedImport } from './EmbeddedImport.js';
import { laneActions, onLaneKey } from './laneKeys.js';
import { currentCues, loadSubtitles, subtitleActions, useSubtitles } from './subtitleStore.js';
import { clock, frameForMs, msForFrame } from './time.js';
import './locales/types.js';
import './subtitles.css';

declare global {
  interface Window {
    /** For tests: where a frame is on screen. */
    __fwSubtitles?: { frameToClientX(frame: number): number; pxPerFrame(): number };
  }
}

interface Drag {
  cue: StoredCue;
  part: DragPart;
  x0: number;
  a: number;
  b: number;
  startFrame: number;
  endFrame: number;
  moved: boolean;
}

/** The subtitle lane under the player: the current track's cues as blocks, edited with mouse and keyboard. */
export function SubtitleLane({ video }: { video: VideoDetail }) {
  const { t } = useTranslation('subtitles');
  const state = useSubtitles((s) => (s.videoId === video.id ? s.state : null));
  const trackId = useSubtitles((s) => s.trackId);
  const selected = useSubtitles((s) => s.selected);
  const editing = useSubtitles((s) => s.editing);
  const warnings = useSubtitles((s) => s.warnings);
  const cues = useSubtitles((s) => currentCues(s));
  const frame = usePlayer((s) => s.frame);
  const laneRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const [zoom, setZoom] = useState(1);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [burnOpen, setBurnOpen] = useState(false);

  const fps: Fps = useMemo(() => state?.fps ?? video.fps ?? { num: 25, den: 1 }, [state?.fps, video.fps]);
  const durationMs = state?.durationMs ?? Math.round(video.duration * 1000);
  const frames = Math.max(1, frameForMs(durationMs, fps));
  const ppf = (width / frames) * zoom;

  useEffect(() => {
    void loadSubtitles(video.id);
    return client().subscribe((e) => {
      if (e.type === 'data.changed' && e.videoId === video.id && e.topic === 'subtitles') void loadSubtitles(video.id);
    });
  }, [video.id]);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(200, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    window.__fwSubtitles = {
      frameToClientX: (f) => (laneRef.current?.getBoundingClientRect().left ?? 0) + f * ppf,
      pxPerFrame: () => ppf,
    };
  }, [ppf]);

  const onPointerDown = (e: ReactPointerEvent, cue: StoredCue, part: DragPart) => {
    if (e.button !== 0) return;
    e.stopPropagation();
    laneRef.current?.focus();
    if (e.shiftKey) return subtitleActions.select(selected.includes(cue.id) ? selected.filter((x) => x !== cue.id) : [...selected, cue.id]);
    if (!selected.includes(cue.id) || selected.length > 1) subtitleActions.select([cue.id]);
    const a = frameForMs(cue.startMs, fps);
    const b = frameForMs(cue.endMs, fps);
    (e.target as HTMLElement).setPointerCapture(e.pointerId);
    setDrag({ cue, part, x0: e.clientX, a, b, startFrame: a, endFrame: b, moved: false });
  };
  const onPointerMove = (e: ReactPointerEvent) => {
    if (!drag) return;
    const d = Math.round((e.clientX - drag.x0) / ppf);
    let { a: s, b: en } = drag;
    if (drag.part === 'start') s = Math.min(drag.b - 1, Math.max(0, drag.a + d));
    else if (drag.part === 'end') en = Math.max(drag.a + 1, Math.min(frames, drag.b + d));
    else {
      const dd = Math.max(-drag.a, Math.min(frames - drag.b, d));
      s = drag.a + dd;
      en = drag.b + dd;
    }
    if (s !== drag.startFrame || en !== drag.endFrame) setDrag({ ...drag, startFrame: s, endFrame: en, moved: true });
  };
  const onPointerUp = () => {
    if (!drag) return;
    setDrag(null);
    if (drag.moved) void laneActions.retime(drag.cue, drag.startFrame, drag.endFrame, fps);
  };

  const track = state?.tracks.find((x) => x.id === trackId) ?? null;
  return (
    <section className="sub-panel" data-testid="subtitle-panel" aria-label={t('title')}>
      <header className="sub-head">
        {state && state.tracks.length > 0 && (
          <label className="sub-track">
            <span>{t('track')}</span>
            <select data-testid="subtitle-track" value={trackId ?? ''} onChange={(e) => subtitleActions.setTrack(Number(e.target.value))}>
              {state.tracks.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.id}: {x.title ?? x.origin ?? '—'}
                  {x.language ? ` (${x.language})` : ''} · {x.cueCount}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="btn btn-secondary btn-sm sub-import">
          <span>{t('import')}</span>
          <input
            type="file"
            accept=".srt,.vtt,.ass,.ssa,.json"
            data-testid="subtitle-import"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void laneActions.importFile(f);
            }}
          />
        </label>
        <EmbeddedImport videoId={video.id} />
        <Button size="sm" onClick={() => void laneActions.newTrack()} data-testid="subtitle-new-track">
          {t('newTrack')}
        </Button>
        <IconButton
          icon="undo"
          label={t('undo')}
          data-testid="subtitle-undo"
          disabled={!state?.undoEntryId}
          onClick={() => void laneActions.undo()}
        />
        <IconButton
          icon="redo"
          label={t('redo')}
          data-testid="subtitle-redo"
          disabled={!state?.redoEntryId}
          onClick={() => void laneActions.redo()}
        />
        <IconButton icon="minus" label={t('zoomOut')} onClick={() => setZoom((z) => Math.max(1, z / 1.6))} />
        <IconButton icon="plus" label={t('zoomIn')} onClick={() => setZoom((z) => Math.min(200, z * 1.6))} />
        {track && (
          <TrackTools videoId={video.id} trackId={track.id} name={track.title ?? track.origin ?? video.name} videoPath={video.path} />
        )}
        {track && (
          <Button size="sm" onClick={() => setBurnOpen(true)} data-testid="subtitle-burn">
            {t('burn')}
          </Button>
        )}
      </header>
      {state && !state.tracks.length && <p className="sub-empty">{t('noTracks')}</p>}
      <div className="sub-scroll" ref={scrollRef}>
        <div
          ref={laneRef}
          className="sub-lane"
          data-testid="subtitle-lane"
          tabIndex={0}
          role="listbox"
          aria-multiselectable="true"
          aria-label={t('laneLabel')}
          style={{ width: Math.max(width, frames * ppf) }}
          onKeyDown={(e) => onLaneKey(e, fps, durationMs)}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerDown={(e) => {
            if (e.button !== 0 || e.target !== laneRef.current) return;
            laneRef.current?.focus();
            subtitleActions.select([]);
            playerControls.seekToFrame(Math.floor((e.clientX - laneRef.current!.getBoundingClientRect().left) / ppf));
          }}
        >
          {cues.map((c, i) => {
            const live = drag?.cue.id === c.id ? drag : null;
            const a = live ? live.startFrame : frameForMs(c.startMs, fps);
            const b = live ? live.endFrame : frameForMs(c.endMs, fps);
            return (
              <CueBlock
                key={c.id}
                cue={c}
                index={i}
                left={a * ppf}
                width={(b - a) * ppf}
                selected={selected.includes(c.id)}
                editing={editing === c.id}
                warnings={warnings.get(c.id) ?? []}
                onPointerDown={(e, part) => onPointerDown(e, c, part)}
                onEdit={() => subtitleActions.editText(c.id)}
                onSave={(text) => {
                  void laneActions.saveText(c, text);
                  laneRef.current?.focus();
                }}
                onCancel={() => {
                  subtitleActions.editText(null);
                  laneRef.current?.focus();
                }}
              />
            );
          })}
          {drag?.moved && (
            <div className="sub-tip" data-testid="subtitle-tip" style={{ left: drag.startFrame * ppf }}>
              {clock(msForFrame(drag.startFrame, fps))} – {clock(msForFrame(drag.endFrame, fps))} · {drag.startFrame}–{drag.endFrame}
            </div>
          )}
          <div className="sub-playhead" style={{ left: frame * ppf }} aria-hidden="true" />
        </div>
      </div>
      {burnOpen && track && <BurnDialog video={video} trackId={track.id} onClose={() => setBurnOpen(false)} />}
    </section>
  );
}
