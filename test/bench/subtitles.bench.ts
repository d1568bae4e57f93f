import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeSrt } from '../../core/subtitles/formats/srt.js';
import type { Cue } from '../../core/subtitles/types.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { twoHourVideo } from '../helpers/review.js';
import { time, type BenchModule, type BenchRow } from './types.js';

const CUES = 3000;

const ms = (area: string, metric: string, seconds: number, target?: number, notes?: string): BenchRow => {
  const value = Math.round(seconds * 10_000) / 10;
  const row: BenchRow = { area, metric, value, unit: 'ms' };
  if (target !== undefined) {
    row.target = `<= ${target}`;
    row.pass = value <= target;
  }
  if (notes) row.notes = notes;
  return row;
};

/**
 * Subtitles of a 2-hour video (3,000 cues, a full-length film's worth): import (decode, parse, repair, store),
 * the lane's state, one edit, shifting every cue (one history entry), undoing it, and exporting.
 */
export const subtitlesBench: BenchModule = {
  name: 'subtitles',
  async run() {
    const lib = await openTempCore();
    const scratch = tempDir('framewise-bench-subs-');
    try {
      const [job] = await importAndWait(lib.core, [await twoHourVideo()]);
      if (job?.state !== 'succeeded') throw new Error('import failed');
      const video = (job.output as { videoId: number }).videoId;
      const cues: Cue[] = Array.from({ length: CUES }, (_, i) => ({
        startMs: i * 2300 + 100,
        endMs: i * 2300 + 2100,
        text: `Zeile ${i + 1}: Grüße aus der <i>Endoskopie</i>\nzweite Zeile`,
        align: null,
        style: null,
      }));
      const file = path.join(scratch.dir, 'film.srt');
      writeFileSync(file, Buffer.from(writeSrt(cues), 'latin1'));
      const imp = await time(() => lib.core.call('subtitles.import', { video, path: file, language: 'de' }));
      const track = imp.result.track.id;
      const state = await time(() => lib.core.call('subtitles.state', { video }));
      const first = state.result.cues[track]![0]!;
      const edit = await time(() => lib.core.call('subtitles.update', { video, track, id: first.id, text: 'geändert' }));
      const shift = await time(() => lib.core.call('subtitles.shift', { video, track, offsetMs: 1500 }));
      const undo = await time(() => lib.core.call('subtitles.undo', { video }));
      const exp = await time(() => lib.core.call('subtitles.export', { video, track, format: 'vtt' }));
      return [
        ms('subtitles', `import ${CUES} cues (Windows-1252 SRT)`, imp.seconds, 3000),
        ms('subtitles', 'lane state (all cues)', state.seconds, 1000),
        ms('subtitles', 'one cue edit (returns the track)', edit.seconds, 250),
        ms('subtitles', `shift all ${CUES} cues (one entry)`, shift.seconds, 3000),
        ms('subtitles', 'undo the shift', undo.seconds, 3000),
        ms('subtitles', 'export WebVTT', exp.seconds, 1000),
      ];
    } finally {
      await lib.close();
      scratch.cleanup();
    }
  },
};
