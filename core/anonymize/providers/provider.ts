import type { VideoRow } from '../../library/videos.js';
import type { Services } from '../../services.js';
import type { EndoscopeRegion, PatientFields, PlanSegment, TextBox, TimedMask } from '../types.js';

/**
 * What anonymization needs to know about a video, from wherever the library has it: the endoscope region
 * and text boxes (OCR capability), the patient fields (OCR + review), the labelled segments (prediction +
 * review). Each provider contributes what it knows; explicit overrides (CLI flags, the Export dialog, tests)
 * win. `origin` says where each piece came from, for the plan shown to the user.
 */
export interface AnonymizeSources {
  region: EndoscopeRegion | null;
  textBoxes: TextBox[];
  segments: PlanSegment[];
  /** Time-ranged masks (text found inside the image mid-video, or drawn by the reviewer). */
  timedMasks: TimedMask[];
  patient: PatientFields | null;
  origin: { region: string; textBoxes: string; segments: string; patient: string; timedMasks: string };
}

export interface SourceProvider {
  name: string;
  load(services: Services, video: VideoRow): Promise<Partial<Omit<AnonymizeSources, 'origin' | 'timedMasks'>>>;
}
