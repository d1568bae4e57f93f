import type { PartialHandlers } from '../handlers.js';
import { expandPaths } from './expand.js';
import { withUnsealedTags } from './show-tags.js';
import { getVideoDetail, listFailedImports, listVideos, resolveVideoRef } from './videos.js';

export const libraryHandlers: PartialHandlers<'library.info' | 'videos.import' | 'videos.list' | 'videos.get' | 'videos.resolve'> = {
  async 'library.info'(core) {
    const s = core.services;
    return {
      dataDir: s.dataDir,
      databaseFile: s.db.file,
      schemaVersion: s.db.schemaVersion,
      ffmpeg: s.ffmpeg.tools.ffmpeg,
      ffprobe: s.ffmpeg.tools.ffprobe,
      jobKinds: s.registry.names(),
      runsJobs: s.runner !== null,
    };
  },
  async 'videos.import'(core, input) {
    const settings = await core.services.settings();
    const copy = input.copy ?? settings.copyIntoLibrary;
    const { files, errors } = await expandPaths(input.paths);
    const jobs = [];
    for (const file of files) {
      const { job, existing } = await core.services.jobs.enqueue('import', { path: file, copy });
      jobs.push({ path: file, jobId: job.id, existing });
    }
    return { jobs, errors };
  },
  async 'videos.list'(core, input) {
    const db = core.services.db.reader;
    const { videos, total } = await listVideos(db, input);
    return { videos, total, failedImports: await listFailedImports(db) };
  },
  async 'videos.get'(core, input) {
    const id = await resolveVideoRef(core.services.db.reader, input.video);
    const detail = await getVideoDetail(core.services.db.reader, id, core.services.artifactsDir);
    return withUnsealedTags(core.services, detail);
  },
  async 'videos.resolve'(core, input) {
    return { videoId: await resolveVideoRef(core.services.db.reader, input.video) };
  },
};
