import { createOcrFrameReader } from '../../core/anonymize/providers/ocr-reader.js';
import { cpuSeconds } from '../bench/cpu-seconds.js';
import { CORPUS, CORPUS_1080, measureRecall, recallBySize, type CorpusLayout } from './recall-corpus.js';

/**
 * Not a test: the reader's recall on every packed arrangement recall.test.ts and the bench use (6 a frame; seed 1:
 * 216 cases, seeds 2 and 3: 360) at 720p and 1080p, with the misses and the reader's detector cost, one line per
 * run. `node dist/test/anonymize/recall-seeds.js [720p|1080p …] [seed …]` (default: both layouts, seeds 1 2 3).
 */
const CASES: Record<number, number> = { 1: 216, 2: 360, 3: 360 };

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const layouts: CorpusLayout[] = [CORPUS, CORPUS_1080].filter((l) => !args.some((a) => a.endsWith('p')) || args.includes(l.name));
  const seeds = args.filter((a) => /^\d+$/.test(a)).map(Number);
  for (const layout of layouts) {
    for (const seed of seeds.length ? seeds : [1, 2, 3]) {
      const reader = await createOcrFrameReader({ cpuStats: true });
      const c0 = cpuSeconds();
      try {
        const r = await measureRecall(reader, CASES[seed] ?? 360, layout, { perFrame: 6, seed });
        const st = reader.stats;
        const missed = r.missed
          .map(
            (c) =>
              `#${c.index}/f${c.frame} ${c.field} ${c.size}px ${c.font.replace('.ttf', '')} ${c.colour}${c.box ? ' box' : ''} ${c.inside ? 'in' : 'out'} ${c.x},${c.y}`,
          )
          .join('; ');
        console.log(
          `${layout.name} seed ${seed}: ≥16 px ${r.found16}/${r.shown16} = ${(100 * r.recall16).toFixed(2)} %, all ${r.found}/${r.shown}; ` +
            `detector ${(st.detectPixels / 1e6).toFixed(1)} Mpx + zoom ${st.zoomDetects} (${(st.zoomPixels / 1e6).toFixed(1)} Mpx, ${(st.cpuMs.zoom / 1000).toFixed(1)} CPU-s) + small text ${st.smallTextDetects} (${(st.smallTextPixels / 1e6).toFixed(1)} Mpx, ${(st.cpuMs.small / 1000).toFixed(1)} CPU-s), ` +
            `detect ${(st.cpuMs.detect / 1000).toFixed(1)} CPU-s, recognise ${(st.cpuMs.recognize / 1000).toFixed(1)} CPU-s, ` +
            `${st.linesRecognized} lines; total ${(cpuSeconds() - c0).toFixed(0)} CPU-s / ${r.seconds.toFixed(0)} s\n  by size: ${recallBySize(r)}\n  missed: ${missed || 'none'}`,
        );
      } finally {
        await reader.close();
      }
    }
  }
}

await main();
