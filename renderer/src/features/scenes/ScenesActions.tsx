import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/ui.js';
import type { VideoPanelProps } from '../video/panel-types.js';
import { useClips } from './clipsStore.js';
import { DetectDialog } from './DetectDialog.js';
import { ExportClipsDialog } from './ExportClipsDialog.js';

/** Header actions of the video view: "Detect scenes…" and "Export clips…". */
export function ScenesActions({ video }: VideoPanelProps) {
  const { t } = useTranslation('scenes');
  const [open, setOpen] = useState<'detect' | 'export' | null>(null);
  const hasClips = useClips((s) => s.videoId === video.id && s.clips.length > 0);
  return (
    <div className="predict-action">
      <Button
        size="sm"
        onClick={() => setOpen(open === 'detect' ? null : 'detect')}
        aria-expanded={open === 'detect'}
        data-testid="action-detect-scenes"
      >
        {t('detect')}
      </Button>
      <Button
        size="sm"
        onClick={() => setOpen(open === 'export' ? null : 'export')}
        disabled={!hasClips}
        aria-expanded={open === 'export'}
        data-testid="action-export-clips"
      >
        {t('export')}
      </Button>
      {open === 'detect' && <DetectDialog videoId={video.id} onClose={() => setOpen(null)} />}
      {open === 'export' && <ExportClipsDialog videoId={video.id} videoPath={video.path} onClose={() => setOpen(null)} />}
    </div>
  );
}
