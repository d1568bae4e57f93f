import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { VideoRow } from '../library/videos.js';
import { FramewiseError } from '../util/errors.js';
import type { AnonymizeSources } from './sources.js';
import { normalizeText, patientTokens, tokenMatches } from './tokens.js';

export const anonymizeOutputSchema = z
  .object({
    /** A folder: the file is named after the pseudonym or a random id. */
    dir: z.string().min(1).max(4096).optional(),
    /** An explicit .mp4 path (refused if it carries the original's name or a patient token). */
    path: z.string().min(1).max(4096).optional(),
  })
  .strict()
  .refine((o) => !!o.dir !== !!o.path, 'give exactly one of output.dir or output.path');

function safeName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}

/** The output file: pseudonym or random id in a folder, or an explicit path that does not leak the original. */
export function resolveOutputPath(
  output: z.infer<typeof anonymizeOutputSchema>,
  video: Pick<VideoRow, 'name' | 'original_path'>,
  prepared: { sources: AnonymizeSources },
): string {
  const patient = prepared.sources.patient;
  if (output.path) {
    const file = path.resolve(output.path);
    if (path.extname(file).toLowerCase() !== '.mp4') throw new FramewiseError('usage', 'The output must be an .mp4 file');
    const base = normalizeText(path.basename(file, path.extname(file)));
    const originals = [video.name, path.basename(video.original_path)].map((n) => normalizeText(path.basename(n, path.extname(n))));
    if (originals.some((o) => o.length >= 3 && base.includes(o))) {
      throw new FramewiseError(
        'usage',
        'The output name must not carry the original file name (it may identify the patient); use a folder to get a pseudonymous name',
      );
    }
    if (patient && patientTokens(patient).some((t) => tokenMatches(base, t))) {
      throw new FramewiseError('usage', 'The output name contains a patient detail; choose another name');
    }
    return file;
  }
  const pseudo = patient?.pseudonym ? safeName(patient.pseudonym) : '';
  // Several videos of one patient share the pseudonym: a short random suffix keeps each export's name unique.
  const name = pseudo ? `${pseudo.slice(0, 24)}-${randomBytes(3).toString('hex')}` : `anon-${randomBytes(5).toString('hex')}`;
  return path.resolve(output.dir!, `${name}.mp4`);
}
