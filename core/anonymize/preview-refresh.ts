import { refreshPreviews } from '../ocr/index.js';
import type { Services } from '../services.js';
import { serializeError } from '../util/errors.js';

/**
 * Make the video's previews again after the job added time-ranged masks. Fail closed means here: a preview that
 * cannot be made again is withdrawn by `refreshPreviews` (so none shows what the new masks hide), while the
 * export itself goes on — its output is rendered and verified with the masks, whatever the previews are. The
 * failure becomes a warning of the job's result (the CLI and the export dialog show it), codes only.
 */
export async function refreshPreviewsOrWarn(services: Services, videoId: number, warnings: string[]): Promise<void> {
  await refreshPreviews(services, videoId).catch((err: unknown) => {
    // refreshPreviews throws its own error (no file names); anything else is reported by its code alone.
    const e = serializeError(err);
    warnings.push(e.code === 'preview_failed' ? e.message : `The previews could not be made again with the new masks (${e.code})`);
  });
}
