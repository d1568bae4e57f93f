import { z } from 'zod';
import { command, defineCapability, type CommandTypes } from '../capability.js';
import { getVideoRow, resolveVideoRef } from '../library/videos.js';
import { refreshPreviewsOrWarn, registerTimedPreviewMasks, type PreviewWarning } from '../ocr/index.js';
import { FramewiseError } from '../util/errors.js';
import { timedMaskSchema, type TimedMask } from '../anonymize/types.js';
import { timedMaskMigrations } from './migrations/0051-timed-masks.js';
import { getTextScan, listTimedMasks, replaceTimedMasks, timedPreviewMasks } from './store.js';

/**
 * Time-ranged masks of a video: text found inside the endoscope image for part of the video (by the text
 * scan that runs before an export, or by verification) and masks the reviewer adds, moves or removes by hand
 * (export dialog, timeline lane). Geometry and frame ranges only.
 */
const videoRef = z.union([z.number().int().positive(), z.string().min(1)]);

const timedMaskCommands = {
  'anonymize.masks': command(z.object({ video: videoRef }).strict(), async (services, input) => {
    const videoId = await resolveVideoRef(services.db.reader, input.video);
    return { videoId, masks: await listTimedMasks(services.db.reader, videoId), scan: await getTextScan(services.db.reader, videoId) };
  }),
  /** Replace every mask of the video (the reviewer's edit: add, move, remove). */
  'anonymize.masks.set': command(
    z.object({ video: videoRef, masks: z.array(timedMaskSchema).max(100000) }).strict(),
    async (services, input) => {
      const videoId = await resolveVideoRef(services.db.reader, input.video);
      const video = await getVideoRow(services.db.reader, videoId);
      for (const m of input.masks) {
        if (m.rect.x + m.rect.width > video.display_width || m.rect.y + m.rect.height > video.display_height) {
          throw new FramewiseError('usage', 'A mask lies outside the video frame');
        }
      }
      await replaceTimedMasks(services.db.writer, videoId, input.masks);
      // Previews of the frames whose masks changed are made again (sprite sheets: all of them). Fail closed: a
      // preview that cannot be made again has been withdrawn by `refreshPreviews` (never left showing what a
      // mask now hides). The masks themselves are stored, so the edit is not refused (the reviewer's timeline
      // must show what is saved): the failure comes back in the result, where the reviewer acts.
      const previewError = await refreshPreviewsOrWarn(services, videoId);
      services.events.emit({ type: 'data.changed', videoId, topic: 'anonymize' });
      const result: { videoId: number; masks: TimedMask[]; previewError?: PreviewWarning } = {
        videoId,
        masks: await listTimedMasks(services.db.reader, videoId),
      };
      if (previewError) result.previewError = previewError;
      return result;
    },
  ),
};

export const timedMasks = defineCapability({
  name: 'timed-masks',
  migrations: timedMaskMigrations,
  commands: timedMaskCommands,
  // Every preview of a video (OCR's preview mask, a capability before this one) hides the masks on its frames.
  provides: (services) => registerTimedPreviewMasks(services, timedPreviewMasks),
});

declare module '../capability.js' {
  interface CommandRegistry extends CommandTypes<typeof timedMaskCommands> {}
}
