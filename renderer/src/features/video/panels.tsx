import type { ComponentType } from 'react';
import type { VideoDetail } from '../../../../core/api/types.js';
import { JobsForVideoPanel } from './JobsForVideoPanel.js';
import { MetadataPanel } from './MetadataPanel.js';
import { Timeline } from '../review/Timeline.js';
import { PatientPanel } from '../patient/PatientPanel.js';
import { strings } from '../../strings.js';
import { ExportAction } from '../anonymize/ExportDialog.js';
import { ExportsPanel } from '../anonymize/ExportsPanel.js';
import { PredictAction } from '../predict/PredictAction.js';
import { ScenesActions } from '../scenes/ScenesActions.js';
import { ScenesPanel } from '../scenes/ScenesPanel.js';
import { clinicalOnly } from '../scenes/clinical.js';
import { ConvertAction } from '../media/ConvertAction.js';
import { SaveFrameAction } from '../media/SaveFrameAction.js';
import { SilenceAction } from '../media/SilenceAction.js';
import { SimilarPanel } from '../similar/SimilarPanel.js';

/**
 * Panels of the video view. THIS is where features add their UI to a video (prediction lanes, patient
 * data, export, segment timeline): write a component taking `VideoPanelProps`, read the player with
 * `usePlayer(selector)` and drive it with `playerControls` (./player.ts), and add one entry below.
 *  - slot 'below': full width under the player (timelines, lanes), in `order`.
 *  - slot 'side': the right column (details, forms), in `order`.
 *  - slot 'actions': a small component rendered in the header's action bar (buttons, dialogs).
 * Data: call the core with `client().call(...)` (../../state/client.ts); to refresh when your data changes,
 * subscribe with `client().subscribe(e => e.type === 'data.changed' && e.videoId === video.id && e.topic === '…')`
 * in a useEffect. Jobs: `enqueueJob(kind, input)` from ../../state/store.ts; they show in the jobs panel
 * (add a label for your job kind in strings.jobs.kinds). All text goes into ../../strings.ts.
 */
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

export const videoPanels: VideoPanel[] = [
  { id: 'timeline', title: strings.review.title, slot: 'below', order: 10, component: Timeline },
  { id: 'metadata', title: strings.video.metadata, slot: 'side', order: 10, component: MetadataPanel },
  { id: 'patient', title: strings.patient.title, slot: 'side', order: 5, component: clinicalOnly(PatientPanel, 'side') },
  { id: 'video-jobs', title: strings.video.jobsTitle, slot: 'side', order: 20, component: JobsForVideoPanel },
  { id: 'anonymize-export', title: 'Export anonymized', slot: 'actions', order: 50, component: clinicalOnly(ExportAction, 'actions') },
  { id: 'anonymize-exports', title: 'Anonymized exports', slot: 'side', order: 30, component: clinicalOnly(ExportsPanel, 'side') },
  { id: 'predict', title: strings.predict.action, slot: 'actions', order: 10, component: PredictAction },
  { id: 'scenes', title: 'Scenes', slot: 'below', order: 20, component: ScenesPanel },
  { id: 'scenes-actions', title: 'Scenes', slot: 'actions', order: 20, component: ScenesActions },
  { id: 'silence', title: 'Silence', slot: 'actions', order: 20, component: SilenceAction },
  { id: 'save-frame', title: 'Save frame', slot: 'actions', order: 30, component: SaveFrameAction },
  { id: 'convert', title: 'Convert', slot: 'actions', order: 40, component: ConvertAction },
  { id: 'similar', title: 'Similar', slot: 'side', order: 40, component: SimilarPanel },
];

export function panelsFor(slot: VideoPanel['slot']): VideoPanel[] {
  return videoPanels.filter((p) => p.slot === slot).sort((a, b) => a.order - b.order);
}
