import type { JobsEvent } from '../jobs/types.js';
import type { LibraryEvent } from '../library/types.js';
import type { ReviewEvent } from '../review/types.js';
import type { SettingsEvent } from '../settings/types.js';

/** Something about a video changed that has no event of its own (`topic` names the capability: 'ocr', 'patient', …). */
export type DataChangedEvent = { type: 'data.changed'; videoId: number; topic: string };

/**
 * The one event stream of the core: the union of each capability's events (declared in its `types.ts`, which
 * imports nothing but other `types.ts`, so this file stays below every capability). A capability with events
 * adds its type to this union and lists the event names in its `Capability.events`.
 */
export type CoreEvent = JobsEvent | LibraryEvent | SettingsEvent | ReviewEvent | DataChangedEvent;
