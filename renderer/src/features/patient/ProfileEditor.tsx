import { useMemo, useState } from 'react';
import type { DeviceProfile, ProfileInfo, VideoDetail } from '../../../../core/api/types.js';
import { Modal } from '../../components/Modal.js';
import { Button } from '../../components/ui.js';
import { client } from '../../state/client.js';
import { notify } from '../../state/store.js';
import { useTranslation } from 'react-i18next';
import { OutlineRect } from './OutlineRect.js';
import { ShapeSelect, type EndoscopeShape } from './ShapeSelect.js';
import { ProfileSelect } from './ProfileSelect.js';
import { errorText } from '../../i18n/errors.js';
import { usePlayer } from '../video/player.js';
import { useRectDraw, type Rect } from './rect-draw.js';
type RegionKey = 'name' | 'last_name' | 'first_name' | 'dob' | 'examination_date' | 'casenumber' | 'device' | 'endoscope';
const KEYS: RegionKey[] = ['name', 'last_name', 'first_name', 'dob', 'examination_date', 'casenumber', 'device', 'endoscope'];
const COLORS: Record<RegionKey, string> = {
  name: '#3b82f6',
  last_name: '#06b6d4',
  first_name: '#14b8a6',
  dob: '#f59e0b',
  examination_date: '#a855f7',
  casenumber: '#ec4899',
  device: '#84cc16',
  endoscope: '#ef4444',
};

function scaled(r: Rect, sx: number, sy: number): Rect {
  return { x: Math.round(r.x * sx), y: Math.round(r.y * sy), width: Math.round(r.width * sx), height: Math.round(r.height * sy) };
}

/** Regions of a profile at this video's display size. */
function regionsOf(p: DeviceProfile | null, w: number, h: number): Partial<Record<RegionKey, Rect>> {
  if (!p) return {};
  const sx = w / p.referenceWidth;
  const sy = h / p.referenceHeight;
  const out: Partial<Record<RegionKey, Rect>> = {};
  for (const [k, r] of Object.entries(p.fields)) if (r) out[k as RegionKey] = scaled(r, sx, sy);
  if (p.endoscope) out.endoscope = scaled(p.endoscope, sx, sy);
  return out;
}

/**
 * Create or edit a device profile by drawing rectangles on the current frame of this video. Built-in
 * profiles are copied under a new name (they cannot be overwritten).
 */
export function ProfileEditor({
  video,
  profiles,
  onClose,
  onSaved,
}: {
  video: VideoDetail;
  profiles: ProfileInfo[];
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const { t } = useTranslation('patient');
  const W = video.displayWidth;
  const H = video.displayHeight;
  const [base, setBase] = useState('');
  const baseProfile = profiles.find((p) => p.profile.name === base) ?? null;
  const [name, setName] = useState('');
  const [regions, setRegions] = useState<Partial<Record<RegionKey, Rect>>>({});
  const [shape, setShape] = useState<EndoscopeShape>('octagon');
  const [dateOrder, setDateOrder] = useState<'dmy' | 'mdy'>('dmy');
  const [active, setActive] = useState<RegionKey>('name');
  const time = useMemo(() => usePlayer.getState().currentTime, []);
  const src = useMemo(() => `${client().mediaUrl({ kind: 'video', id: video.id })}#t=${time.toFixed(3)}`, [video.id, time]);

  const pick = (n: string) => {
    setBase(n);
    const p = profiles.find((x) => x.profile.name === n)?.profile ?? null;
    setRegions(regionsOf(p, W, H));
    setName(p ? (profiles.find((x) => x.profile.name === n)?.builtin ? `${p.name} (copy)` : p.name) : '');
    if (p?.endoscope) setShape(p.endoscope.shape);
    if (p?.dateOrder) setDateOrder(p.dateOrder);
  };

  const { svg, draft, handlers } = useRectDraw(W, H, (r) => setRegions((rs) => ({ ...rs, [active]: r })));

  const save = async () => {
    const { endoscope, ...fields } = regions;
    const profile: DeviceProfile = {
      name: name.trim(),
      ...(baseProfile?.profile.description ? { description: baseProfile.profile.description } : {}),
      referenceWidth: W,
      referenceHeight: H,
      dateOrder,
      fields,
      ...(endoscope ? { endoscope: { ...endoscope, shape } } : {}),
    };
    try {
      const saved = await client().call('profiles.save', { profile });
      onSaved(saved.name);
    } catch (err) {
      notify(errorText(err));
    }
  };

  return (
    <Modal title={t('editorTitle')} onClose={onClose} closeLabel={t('close')} testId="profile-editor">
      <p className="muted">{t('editorHint')}</p>
      <div className="profile-editor-form">
        <ProfileSelect
          label={t('baseOn')}
          value={base}
          onChange={pick}
          emptyLabel={t('baseNew')}
          profiles={profiles}
          testId="profile-base"
        />
        <label>
          <span>{t('name')}</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} data-testid="profile-name" />
        </label>
        <label>
          <span>{t('dateOrder')}</span>
          <select value={dateOrder} onChange={(e) => setDateOrder(e.target.value as 'dmy' | 'mdy')}>
            {(['dmy', 'mdy'] as const).map((o) => (
              <option key={o} value={o}>
                {t(`dateOrders.${o}`)}
              </option>
            ))}
          </select>
        </label>
        <ShapeSelect value={shape} onChange={setShape} />
      </div>
      <div className="profile-editor-regions" role="radiogroup" aria-label={t('region')}>
        {KEYS.map((k) => (
          <label key={k} className={`profile-region ${active === k ? 'active' : ''}`} style={{ borderColor: COLORS[k] }}>
            <input type="radio" name="region" checked={active === k} onChange={() => setActive(k)} data-testid={`profile-region-${k}`} />
            <span>{t(`regions.${k}`)}</span>
            {regions[k] && (
              <button
                type="button"
                className="link"
                onClick={() => {
                  const { [k]: _removed, ...rest } = regions;
                  setRegions(rest);
                }}
                aria-label={`${t('clearRegion')}: ${t(`regions.${k}`)}`}
              >
                ×
              </button>
            )}
          </label>
        ))}
      </div>
      {/* The frame's aspect ratio is fixed before the video loads, so drawn rectangles map to pixels at once. */}
      <div className="profile-canvas" data-testid="profile-canvas" style={{ aspectRatio: `${W} / ${H}` }}>
        <video src={src} muted preload="auto" playsInline aria-hidden="true" />
        <svg ref={svg} viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" {...handlers} data-testid="profile-draw">
          {KEYS.map((k) => {
            const r = regions[k];
            return r ? (
              <g key={k}>
                <OutlineRect r={r} color={COLORS[k]} stroke={Math.max(2, W / 480)} testId={`profile-rect-${k}`} />
                <text x={r.x + 4} y={r.y + Math.max(14, H / 40)} fill={COLORS[k]} fontSize={Math.max(12, H / 40)}>
                  {t(`regions.${k}`)}
                </text>
              </g>
            ) : null;
          })}
          {draft && <OutlineRect r={draft} color={COLORS[active]} stroke={Math.max(2, W / 480)} dashed />}
        </svg>
      </div>
      <div className="profile-editor-actions">
        <Button onClick={onClose}>{t('close')}</Button>
        <Button variant="primary" disabled={!name.trim()} onClick={() => void save()} data-testid="profile-save">
          {t('saveProfile')}
        </Button>
      </div>
    </Modal>
  );
}
