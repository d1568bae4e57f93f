import { useEffect, useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';
import { Button } from '../../components/ui.js';
import { client } from '../../state/client.js';
import type { VideoPanelProps } from '../video/panel-types.js';
import { useClips } from './clipsStore.js';

/**
 * Clinical-only panels (patient data, anonymized export) stay out of the way on ordinary footage: a video that
 * has clips (an editor cut it into scenes) and no burned-in overlay text found by OCR shows them only when the
 * user asks ("Show clinical tools", remembered in this browser profile). Every other video shows them as before.
 */
const storageKey = 'framewise.clinicalTools';
export const useClinicalTools = create<{ shown: boolean }>(() => ({ shown: localStorage.getItem(storageKey) === 'shown' }));

export function showClinicalTools(shown: boolean): void {
  localStorage.setItem(storageKey, shown ? 'shown' : 'auto');
  useClinicalTools.setState({ shown });
}

const overlayText = new Map<number, Promise<boolean>>();
function hasOverlayText(videoId: number): Promise<boolean> {
  let p = overlayText.get(videoId);
  if (!p) {
    p = client()
      .call('ocr.result', { video: videoId })
      .then((r) => Boolean(r && r.regions.length > 0))
      .catch(() => false);
    overlayText.set(videoId, p);
  }
  return p;
}

export function useClinicalVisible(videoId: number): boolean {
  const shown = useClinicalTools((s) => s.shown);
  const footage = useClips((s) => s.videoId === videoId && s.clips.length > 0);
  const [text, setText] = useState<boolean | null>(null);
  // Only ordinary footage needs the OCR check; other videos render the panel untouched.
  const check = footage && !shown;
  useEffect(() => {
    if (!check) return;
    let live = true;
    void hasOverlayText(videoId).then((v) => live && setText(v));
    return () => {
      live = false;
    };
  }, [videoId, check]);
  return shown || !footage || text !== false;
}

/** Wrap a clinical panel: hidden on ordinary footage; in the side column a button brings the tools back. */
export function clinicalOnly(Panel: ComponentType<VideoPanelProps>, slot: 'side' | 'actions' | 'below'): ComponentType<VideoPanelProps> {
  function ClinicalPanel(props: VideoPanelProps) {
    const { t } = useTranslation('scenes');
    const visible = useClinicalVisible(props.video.id);
    if (visible) return <Panel {...props} />;
    if (slot !== 'side') return null;
    return (
      <p className="muted clinical-hidden" data-testid="clinical-hidden">
        {t('clinicalHidden')}{' '}
        <Button size="sm" variant="ghost" onClick={() => showClinicalTools(true)} data-testid="clinical-show">
          {t('clinicalShow')}
        </Button>
      </p>
    );
  }
  ClinicalPanel.displayName = `Clinical(${Panel.displayName ?? Panel.name})`;
  return ClinicalPanel;
}
