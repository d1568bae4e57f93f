import type { ComponentType } from 'react';
import type { VideoDetail } from '../../../../core/api/types.js';

/** What every video-view panel receives (kept apart from panels.tsx so panels never import the list). */
export interface VideoPanelProps {
  video: VideoDetail;
}

export interface VideoPanel {
  id: string;
  /** The panel's heading in the current language (e.g. `() => i18n.t('scenes:title')`). */
  title: () => string;
  slot: 'below' | 'side' | 'actions';
  order: number;
  component: ComponentType<VideoPanelProps>;
}
