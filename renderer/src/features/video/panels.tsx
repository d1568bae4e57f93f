import { i18n } from '../../i18n/index.js';
import type { VideoPanel } from './panel-types.js';
import { JobsForVideoPanel } from './JobsForVideoPanel.js';
import { MetadataPanel } from './MetadataPanel.js';
import { Timeline } from '../review/Timeline.js';
import { PatientPanel } from '../patient/PatientPanel.js';
import { ExportAction } from '../anonymize/ExportDialog.js';
import { ExportsPanel } from '../anonymize/ExportsPanel.js';
import { MaskLane } from '../anonymize/MaskLane.js';
import { PredictAction } from '../predict/PredictAction.js';
import { ScenesActions } from '../scenes/ScenesActions.js';
import { ScenesPanel } from '../scenes/ScenesPanel.js';
import { clinicalOnly } from '../scenes/clinical.js';
import { RemoveVideoAction } from '../library/RemoveVideoAction.js';
import { ConvertAction } from '../media/ConvertAction.js';
import { SaveFrameAction } from '../media/SaveFrameAction.js';
import { SilenceAction } from '../media/SilenceAction.js';
import { SimilarPanel } from '../similar/SimilarPanel.js';
import { SubtitleLane } from '../subtitles/SubtitleLane.js';

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
 * (add a label for your job kind in features/jobs/locales/*.json `kinds`). Text: your feature's
 * locales/ (see src/i18n/README.md); panel types live in ./panel-types.ts (import them from there).
 */
export type { VideoPanel, VideoPanelProps } from './panel-types.js';

export const videoPanels: VideoPanel[] = [
  { id: 'timeline', title: () => i18n.t('review:title'), slot: 'below', order: 10, component: Timeline },
  { id: 'metadata', title: () => i18n.t('video:metadata'), slot: 'side', order: 10, component: MetadataPanel },
  { id: 'patient', title: () => i18n.t('patient:title'), slot: 'side', order: 5, component: clinicalOnly(PatientPanel, 'side') },
  { id: 'video-jobs', title: () => i18n.t('video:jobsTitle'), slot: 'side', order: 20, component: JobsForVideoPanel },
  {
    id: 'anonymize-export',
    title: () => i18n.t('anonymize:open'),
    slot: 'actions',
    order: 50,
    component: clinicalOnly(ExportAction, 'actions'),
  },
  {
    id: 'anonymize-exports',
    title: () => i18n.t('anonymize:exportsTitle'),
    slot: 'side',
    order: 30,
    component: clinicalOnly(ExportsPanel, 'side'),
  },
  { id: 'predict', title: () => i18n.t('predict:action'), slot: 'actions', order: 10, component: PredictAction },
  { id: 'remove-video', title: () => i18n.t('library:title'), slot: 'side', order: 90, component: RemoveVideoAction },
  { id: 'silence', title: () => 'Silence', slot: 'actions', order: 20, component: SilenceAction },
  { id: 'save-frame', title: () => 'Save frame', slot: 'actions', order: 30, component: SaveFrameAction },
  { id: 'convert', title: () => 'Convert', slot: 'actions', order: 40, component: ConvertAction },
  { id: 'scenes', title: () => i18n.t('scenes:title'), slot: 'below', order: 20, component: ScenesPanel },
  { id: 'scenes-actions', title: () => i18n.t('scenes:title'), slot: 'actions', order: 15, component: ScenesActions },
  { id: 'subtitles', title: () => i18n.t('subtitles:title'), slot: 'below', order: 20, component: SubtitleLane },
  {
    id: 'anonymize-masks',
    title: () => i18n.t('anonymize:maskLane.title'),
    slot: 'below',
    order: 20,
    component: clinicalOnly(MaskLane, 'below'),
  },
  { id: 'similar', title: () => i18n.t('similar:title'), slot: 'side', order: 40, component: SimilarPanel },
];

export function panelsFor(slot: VideoPanel['slot']): VideoPanel[] {
  return videoPanels.filter((p) => p.slot === slot).sort((a, b) => a.order - b.order);
}
