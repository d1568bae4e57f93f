import { stat } from 'node:fs/promises';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';

/**
 * The file behind a media URL of a verified export (for side-by-side playback). Only verified exports whose
 * file is still there with its recorded size are served; anything else is not_found.
 */
export async function exportMediaPath(services: Services, id: number): Promise<{ path: string; contentType: string }> {
  const row = await services.db.reader
    .selectFrom('anonymize_exports')
    .select(['output_path', 'output_size', 'state'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || row.state !== 'verified') throw new FramewiseError('not_found', `No verified export ${id}`);
  const st = await stat(row.output_path).catch(() => null);
  if (!st || st.size !== row.output_size) throw new FramewiseError('not_found', `The file of export ${id} is gone or changed`);
  return { path: row.output_path, contentType: 'video/mp4' };
}
