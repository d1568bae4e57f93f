import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { computePlan } from '../../core/anonymize/plan.js';
import { renderAnonymized } from '../../core/anonymize/render.js';
import { createOcrFrameReader } from '../../core/anonymize/providers/ocr-reader.js';
import { patientTokens } from '../../core/anonymize/tokens.js';
import { anonymizeOptionsSchema } from '../../core/anonymize/types.js';
import { endo, endo1080, endoscopyVideo1080 } from '../anonymize/endoscopy-media.js';
import { measureRecall, recallBreakdown } from '../anonymize/recall-corpus.js';
import { ratioRow, type BenchModule } from './types.js';

/**
 * The verification reader (issue 10): on the generated 1080p 60 s endoscopy-like clip, one whole export
 * (render, verification, publish) — verification wall time as a ratio of the render's in the same export
 * (target ≤ 0.5) — and the reader's recall on the generated corpus (target ≥ 99 % of tokens ≥ 16 px).
 * Run alone with `npm run bench -- anonymize-verify`.
 */
export const anonymizeVerifyBench: BenchModule = {
  name: 'anonymize-verify',
  async run() {
    const file = await endoscopyVideo1080(60);
    const ffmpeg = await Ffmpeg.create();
    const info = await ffmpeg.probe(file);
    const plan = computePlan({
      video: { width: 1920, height: 1080, fps: info.fps!, duration: info.duration, frameCount: info.frameCountEstimate!, audioStreams: 0 },
      region: endo1080.region,
      textBoxes: endo1080.boxes.map((rect) => ({ rect, source: 'bench' })),
      segments: [],
      patient: { known: true, verified: true },
      options: anonymizeOptionsSchema.parse({ preset: 'fast' }),
    });
    const work = mkdtempSync(path.join(os.tmpdir(), 'framewise-bench-verify-'));
    try {
      const reader = await createOcrFrameReader();
      const full = await renderAnonymized({
        ffmpeg,
        input: file,
        plan,
        outputPath: path.join(work, 'out', 'anon.mp4'),
        workDir: path.join(work, 'mask-dir'),
        tokens: patientTokens(endo.patient),
        reader,
      }).finally(() => reader.close());
      if (!full.verification.ok) throw new Error(`verification rejected the bench output: ${full.verification.findings[0]?.message}`);
      const v = full.verification;
      const st = reader.stats;
      const stages = (['detect', 'zoom', 'recognize', 'tesseract'] as const)
        .map((k) => `${k} ${(st.ms[k] / 1000).toFixed(1)} s`)
        .join(', ');
      const recallReader = await createOcrFrameReader();
      const recall = await measureRecall(recallReader, 120).finally(() => recallReader.close());
      return [
        ratioRow(
          'anonymize',
          'verification / render, wall (same export)',
          v.seconds / full.renderSeconds,
          { op: '<=', value: 0.5 },
          `1080p ${info.duration.toFixed(0)} s; verification ${v.seconds.toFixed(1)} s (every ${v.step} frames = ${v.interval.toFixed(2)} s: ${v.sampledFrames} samples, ${v.screening.read} read by detector + line OCR, ${v.screening.unchanged} unchanged, ${v.screening.blank} blank; ${v.reader}), render ${full.renderSeconds.toFixed(1)} s; reader waits (2 frames in flight): ${stages}; ${st.zoomDetects} zoom detections, ${st.linesRecognized} lines recognised, ${st.linesTesseract} by Tesseract; decode wait ${(v.screening.waitMs / 1000).toFixed(1)} s, screening ${(v.screening.screenMs / 1000).toFixed(1)} s`,
        ),
        ratioRow(
          'anonymize',
          'verification reader recall, patient tokens ≥ 16 px',
          recall.recall16,
          { op: '>=', value: 0.99 },
          `${recall.found16}/${recall.shown16} found (all sizes 14–40 px: ${recall.found}/${recall.shown}); ${recallBreakdown(recall).join('; ')}; ${recall.seconds.toFixed(0)} s`,
        ),
      ];
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
