import { z } from 'zod';
import { command } from '../capability.js';
import { idSchema as id, videoRefSchema as videoRef } from '../util/schemas.js';
import { withUnsealedTags } from './show-tags.js';
import { expandPaths } from './expand.js';
import { dismissFailedImports, removeVideos } from './remove.js';
import type { ImportResult, LibraryInfo } from './types.js';
import { nameIndexOf } from './name-index.js';
import { getVideoDetail, listFailedImports, listVideos, resolveVideoRef } from './videos.js';

export const libraryCommands = {
  'library.info': command(z.object({}).strict(), async (s): Promise<LibraryInfo> => ({
    dataDir: s.dataDir,
    databaseFile: s.db.file,
    schemaVersion: s.db.schemaVersion,
    ffmpeg: s.ffmpeg.tools.ffmpeg,
    ffprobe: s.ffmpeg.tools.ffprobe,
    ffmpegWarnings: s.ffmpeg.tools.warnings,
    ffmpegFeatures: s.ffmpeg.features.all(),
    jobKinds: s.registry.names(),
    runsJobs: s.runner !== null,
  })),
  'videos.import': command(
    z.object({ paths: z.array(z.string().min(1)).min(1).max(10000), copy: z.boolean().optional() }).strict(),
    async (s, input): Promise<ImportResult> => {
      const settings = await s.settings();
      const copy = input.copy ?? settings.copyIntoLibrary;
      const { files, errors } = await expandPaths(input.paths);
      const jobs = [];
      for (const file of files) {
        const { job, existing } = await s.jobs.enqueue('import', { path: file, copy });
        jobs.push({ path: file, jobId: job.id, existing });
      }
      return { jobs, errors };
    },
  ),
  'videos.list': command(
    z
      .object({
        search: z.string().max(500).optional(),
        state: z.enum(['imported', 'reviewed', 'anonymized', 'missing']).optional(),
        sort: z.enum(['name', 'imported', 'duration', 'size']).optional(),
        order: z.enum(['asc', 'desc']).optional(),
        limit: z.number().int().min(1).max(100000).optional(),
        offset: z.number().int().min(0).optional(),
      })
      .strict(),
    async (s, input) => {
      const db = s.db.reader;
      const { videos, total } = await listVideos(db, nameIndexOf(s.db), input);
      return { videos, total, failedImports: await listFailedImports(db) };
    },
  ),
  'videos.get': command(z.object({ video: videoRef }).strict(), async (s, input) => {
    const id = await resolveVideoRef(s.db.reader, input.video);
    return withUnsealedTags(s, await getVideoDetail(s.db.reader, id, s.artifactsDir));
  }),
  'videos.resolve': command(z.object({ video: videoRef }).strict(), async (s, input) => ({
    videoId: await resolveVideoRef(s.db.reader, input.video),
  })),
  /** Remove videos from the library (with deleteCopies: also the library's own copy; never an original). */
  'videos.remove': command(
    z.object({ ids: z.array(id).min(1).max(100000), deleteCopies: z.boolean().optional() }).strict(),
    async (s, input) => removeVideos(s, input.ids, input.deleteCopies ?? false),
  ),
  /** Forget failed imports (by their job ids); the files are not touched. */
  'imports.dismiss': command(z.object({ jobIds: z.array(id).min(1).max(100000) }).strict(), async (s, input) =>
    dismissFailedImports(s, input.jobIds),
  ),
};
