import type { ComponentType } from 'react';
import type { VideoDetail } from '../../../../core/api/types.js';

/** What a video panel gets (see ./panels.tsx, where panels are listed). */
export interface VideoPanelProps {
  video: VideoDetail;
}

export interface VideoPanel {
  id: string;
  title: string;
  slot: 'below' | 'side' | 'actions';
  order: number;
  component: ComponentType<VideoPanelProps>;
}
